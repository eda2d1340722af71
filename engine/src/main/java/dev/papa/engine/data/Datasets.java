package dev.papa.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The data sets PAPA knows, each with a fixed train / held-out split so that every command and
 * test sees the same images in the same roles.
 */
public final class Datasets {

    /** Held out from training: the oracle's accuracy and the Fréchet reference come from here. */
    public static final int MNIST_HELD_OUT = 1000;

    private Datasets() {}

    /** A data set's two fixed halves. */
    public record Split(ImageSet train, ImageSet heldOut) {}

    /** The 10,000 MNIST digits shipped in this module: 9,000 train, the last 1,000 held out. */
    public static Split mnist() {
        String dir = "/dev/papa/engine/data/mnist-10k/";
        try (InputStream images = resource(dir + "images-idx3-ubyte.gz");
             InputStream labels = resource(dir + "labels-idx1-ubyte.gz")) {
            ImageSet all = IdxFiles.read("mnist", new GZIPInputStream(images), new GZIPInputStream(labels));
            return new Split(all.slice(0, all.size() - MNIST_HELD_OUT), all.slice(all.size() - MNIST_HELD_OUT, all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fashion-MNIST from a folder holding Zalando's four IDX files (Debian's dataset-fashion-mnist
     * installs them under /usr/share/datasets/fashion-mnist): train = its 60,000, held out = t10k.
     */
    public static Split fashionMnist(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DataException("Fashion-MNIST folder not found: " + dir);
        }
        return new Split(
                IdxFiles.read("fashion-mnist", dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz")),
                IdxFiles.read("fashion-mnist-t10k", dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz")));
    }

    private static InputStream resource(String path) {
        InputStream in = Datasets.class.getResourceAsStream(path);
        if (in == null) {
            throw new DataException("data set missing from the classpath: " + path);
        }
        return in;
    }
}
