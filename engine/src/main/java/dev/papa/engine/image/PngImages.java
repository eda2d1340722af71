package dev.papa.engine.image;

import ai.djl.ndarray.NDArray;
import dev.papa.engine.data.ImageSet;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Grey images (model range [−1, 1]) to PNG: one image, or a grid for people to look at. */
public final class PngImages {

    private PngImages() {}

    /** Grey bytes (0..255) of each image in a (N, 1, H, W) batch in [−1, 1]. */
    public static byte[][] toPixels(NDArray batch) {
        int n = Math.toIntExact(batch.getShape().get(0));
        int perImage = Math.toIntExact(batch.size() / n);
        float[] values = batch.toFloatArray();
        byte[][] out = new byte[n][perImage];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < perImage; j++) {
                out[i][j] = ImageSet.toPixel(values[i * perImage + j]);
            }
        }
        return out;
    }

    /** One image as PNG, each pixel drawn {@code scale}×{@code scale}, no border. */
    public static byte[] png(byte[] pixels, int height, int width, int scale) {
        BufferedImage image = new BufferedImage(width * scale, height * scale, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height * scale; y++) {
            for (int x = 0; x < width * scale; x++) {
                image.getRaster().setSample(x, y, 0, pixels[(y / scale) * width + x / scale] & 0xFF);
            }
        }
        return encode(image);
    }

    /** A grid of images, {@code columns} wide, each pixel drawn {@code scale}×{@code scale}. */
    public static BufferedImage grid(byte[][] images, int height, int width, int columns, int scale) {
        int rows = (images.length + columns - 1) / columns;
        int gap = 2;
        BufferedImage image = new BufferedImage(columns * (width * scale + gap) + gap, rows * (height * scale + gap) + gap,
                BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < images.length; i++) {
            int left = gap + (i % columns) * (width * scale + gap);
            int top = gap + (i / columns) * (height * scale + gap);
            for (int y = 0; y < height * scale; y++) {
                for (int x = 0; x < width * scale; x++) {
                    int v = images[i][(y / scale) * width + x / scale] & 0xFF;
                    image.getRaster().setSample(left + x, top + y, 0, v);
                }
            }
        }
        return image;
    }

    public static void writeGrid(Path path, byte[][] images, int height, int width, int columns) {
        write(path, grid(images, height, width, columns, 2));
    }

    public static void write(Path path, BufferedImage image) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            ImageIO.write(image, "png", path.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }

    public static byte[] encode(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
