package dev.papa.engine.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Labelled grey images, kept as bytes (0 = black) so a data set costs one byte a pixel.
 * Tensors are made on demand in the model's range: pixels scaled to [-1, 1].
 */
public record ImageSet(String name, int height, int width, byte[] pixels, byte[] labels) {

    public ImageSet {
        if (pixels.length != labels.length * height * width) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixel bytes do not fit "
                    + labels.length + " images of " + height + "x" + width);
        }
    }

    public int size() {
        return labels.length;
    }

    public int pixelsPerImage() {
        return height * width;
    }

    public int label(int index) {
        return labels[index];
    }

    /** Images {@code [from, to)} as a new set (a fixed split, not a shuffle). */
    public ImageSet slice(int from, int to) {
        int p = pixelsPerImage();
        return new ImageSet(name + "[" + from + ":" + to + "]", height, width,
                Arrays.copyOfRange(pixels, from * p, to * p), Arrays.copyOfRange(labels, from, to));
    }

    /** The images whose label is one of {@code classes}. */
    public ImageSet withLabels(int... classes) {
        int[] keep = IntStream.range(0, size())
                .filter(i -> Arrays.stream(classes).anyMatch(c -> c == labels[i]))
                .toArray();
        return select(keep);
    }

    public ImageSet select(int[] indices) {
        int p = pixelsPerImage();
        byte[] px = new byte[indices.length * p];
        byte[] lb = new byte[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * p, px, i * p, p);
            lb[i] = labels[indices[i]];
        }
        return new ImageSet(name, height, width, px, lb);
    }

    /** A batch of images as an (n, 1, H, W) float tensor in [-1, 1]. */
    public NDArray toTensor(NDManager manager, int[] indices) {
        int p = pixelsPerImage();
        float[] data = new float[indices.length * p];
        for (int i = 0; i < indices.length; i++) {
            int base = indices[i] * p;
            for (int j = 0; j < p; j++) {
                data[i * p + j] = toModelRange(pixels[base + j]);
            }
        }
        return manager.create(data, new Shape(indices.length, 1, height, width));
    }

    public NDArray toTensor(NDManager manager) {
        return toTensor(manager, IntStream.range(0, size()).toArray());
    }

    public static float toModelRange(byte pixel) {
        return (pixel & 0xFF) / 127.5f - 1f;
    }

    /** Model range [-1, 1] back to a grey byte, clipping what a sampler left outside it. */
    public static byte toPixel(float value) {
        float clipped = Math.max(-1f, Math.min(1f, value));
        return (byte) Math.round((clipped + 1f) * 127.5f);
    }
}
