package dev.berth.server.grpc;

import static dev.berth.server.grpc.RuntimeServiceImpl.reply;

import dev.berth.cri.v1.ImageFsInfoRequest;
import dev.berth.cri.v1.ImageFsInfoResponse;
import dev.berth.cri.v1.ImageServiceGrpc;
import dev.berth.cri.v1.ImageStatusRequest;
import dev.berth.cri.v1.ImageStatusResponse;
import dev.berth.cri.v1.ListImagesRequest;
import dev.berth.cri.v1.ListImagesResponse;
import dev.berth.cri.v1.PullImageRequest;
import dev.berth.cri.v1.PullImageResponse;
import dev.berth.cri.v1.RemoveImageRequest;
import dev.berth.cri.v1.RemoveImageResponse;
import dev.berth.server.Services;
import dev.berth.server.image.ImageFsInfo;
import dev.berth.server.image.ImageStatus;
import dev.berth.server.image.ListImages;
import dev.berth.server.image.PullImage;
import dev.berth.server.image.RemoveImage;
import io.grpc.stub.StreamObserver;

/** The CRI ImageService: each RPC delegates to its handler; the rest answer UNIMPLEMENTED. */
final class ImageServiceImpl extends ImageServiceGrpc.ImageServiceImplBase {

    private final PullImage pullImage;
    private final ListImages listImages;
    private final ImageStatus imageStatus;
    private final RemoveImage removeImage;
    private final ImageFsInfo imageFsInfo;

    ImageServiceImpl(Services services) {
        pullImage = new PullImage(services);
        listImages = new ListImages(services);
        imageStatus = new ImageStatus(services);
        removeImage = new RemoveImage(services);
        imageFsInfo = new ImageFsInfo(services);
    }

    @Override
    public void pullImage(PullImageRequest request, StreamObserver<PullImageResponse> observer) {
        reply(observer, () -> pullImage.handle(request));
    }

    @Override
    public void listImages(ListImagesRequest request, StreamObserver<ListImagesResponse> observer) {
        reply(observer, () -> listImages.handle(request));
    }

    @Override
    public void imageStatus(ImageStatusRequest request, StreamObserver<ImageStatusResponse> observer) {
        reply(observer, () -> imageStatus.handle(request));
    }

    @Override
    public void removeImage(RemoveImageRequest request, StreamObserver<RemoveImageResponse> observer) {
        reply(observer, () -> removeImage.handle(request));
    }

    @Override
    public void imageFsInfo(ImageFsInfoRequest request, StreamObserver<ImageFsInfoResponse> observer) {
        reply(observer, () -> imageFsInfo.handle(request));
    }
}
