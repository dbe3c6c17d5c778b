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
            if (name.chars().allMatch(Character::isDigit)) {
                builder.setUid(Int64Value.newBuilder().setValue(Long.parseLong(name)));
            } else {
                builder.setUsername(name);
            }
        }
        return builder.build();
    }
}
