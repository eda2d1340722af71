package dev.papa.feedback.stream;

import java.util.Objects;

import org.apache.kafka.common.serialization.Serde;

import dev.papa.schemas.ImageGenerated;

/**
 * What the images store keeps of an {@link ImageGenerated}: only what a PreferenceExample needs,
 * plus the creation time that bounds its retention.
 */
public record StoredImage(String userId, int width, int height, byte[] pixels, long adapterVersion, long createdAtMillis) {

    public StoredImage {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(pixels, "pixels");
    }

    public static StoredImage of(ImageGenerated image) {
        byte[] pixels = new byte[image.getPixels().remaining()];
        image.getPixels().duplicate().get(pixels);
        return new StoredImage(image.getUserId(), image.getWidth(), image.getHeight(), pixels,
                image.getAdapterVersion(), image.getCreatedAt().toEpochMilli());
    }

    static final Serde<StoredImage> SERDE = StoreCodec.serde("stored image", 1,
            (image, out) -> {
                StoreCodec.writeString(out, image.userId());
                out.writeInt(image.width());
                out.writeInt(image.height());
                StoreCodec.writeBytes(out, image.pixels());
                out.writeLong(image.adapterVersion());
                out.writeLong(image.createdAtMillis());
            },
            in -> new StoredImage(StoreCodec.readString(in), in.readInt(), in.readInt(), StoreCodec.readBytes(in),
                    in.readLong(), in.readLong()));
}
