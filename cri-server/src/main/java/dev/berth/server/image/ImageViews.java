package dev.berth.server.image;

import dev.berth.cri.v1.Int64Value;
import dev.berth.cri.v1.ImageSpec;
import dev.berth.image.Image;

/** Renders stored images as CRI messages. */
final class ImageViews {

    private ImageViews() {
    }

    static dev.berth.cri.v1.Image image(Image image) {
        dev.berth.cri.v1.Image.Builder builder = dev.berth.cri.v1.Image.newBuilder()
                .setId(image.id())
                .addAllRepoTags(image.repoTags())
                .addAllRepoDigests(image.repoDigests())
                .setSize(image.size())
                .setSpec(ImageSpec.newBuilder().setImage(image.id()));
        // The CRI splits the image's USER: a numeric user goes to uid, a name to username; the group is dropped.
        String user = image.config().user();
        String name = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
        if (!name.isEmpty()) {
            Long uid = uid(name);
            if (uid != null) {
                builder.setUid(Int64Value.newBuilder().setValue(uid));
            } else {
                builder.setUsername(name);
            }
        }
        return builder.build();
    }

    /**
     * The uid an ASCII-decimal user names, or null. The USER comes from an untrusted image config, so a number
     * too large for a uid is passed on as a name (as containerd does) rather than failing every image listing.
     */
    private static Long uid(String name) {
        if (!name.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        try {
            return Long.parseLong(name);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
