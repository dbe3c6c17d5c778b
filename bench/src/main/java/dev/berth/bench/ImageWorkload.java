package dev.berth.bench;

import dev.berth.cri.v1.ImageSpec;
import dev.berth.cri.v1.ImageStatusRequest;
import dev.berth.cri.v1.ListImagesRequest;
import dev.berth.cri.v1.PullImageRequest;
import dev.berth.cri.v1.RemoveImageRequest;

/** RemoveImage, then PullImage, ImageStatus and ListImages of the benchmark's image. */
final class ImageWorkload implements Workload {

    private final ImageSpec image;

    ImageWorkload(String image) {
        this.image = ImageSpec.newBuilder().setImage(image).build();
    }

    @Override
    public String name() {
        return "image";
    }

    @Override
    public void run(Target target, int runs, Samples samples, Measurements measurements) {
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            target.images().removeImage(RemoveImageRequest.newBuilder().setImage(image).build());
            long removed = System.nanoTime();
            target.images().pullImage(PullImageRequest.newBuilder().setImage(image).build());
            long pulled = System.nanoTime();
            target.images().imageStatus(ImageStatusRequest.newBuilder().setImage(image).build());
            long statused = System.nanoTime();
            target.images().listImages(ListImagesRequest.getDefaultInstance());
            long listed = System.nanoTime();
            samples.add("image/RemoveImage", removed - start);
            samples.add("image/PullImage", pulled - removed);
            samples.add("image/ImageStatus", statused - pulled);
            samples.add("image/ListImages", listed - statused);
        }
    }
}
