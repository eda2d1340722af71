package dev.papa.engine.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Reads the IDX format of MNIST and Fashion-MNIST (gzip-compressed or plain). */
public final class IdxFiles {

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private IdxFiles() {}

    public static ImageSet read(String name, Path images, Path labels) {
        try (InputStream img = open(images); InputStream lab = open(labels)) {
            return read(name, img, lab);
        } catch (NoSuchFileException e) {
            throw new DataException("missing data file: " + e.getFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ImageSet read(String name, InputStream images, InputStream labels) throws IOException {
        DataInputStream img = new DataInputStream(images);
        DataInputStream lab = new DataInputStream(labels);
        try {
            expectMagic(name + " images", img.readInt(), IMAGES_MAGIC);
            int count = img.readInt();
            int height = img.readInt();
            int width = img.readInt();
            expectMagic(name + " labels", lab.readInt(), LABELS_MAGIC);
            int labelCount = lab.readInt();
            if (count != labelCount || count <= 0 || height <= 0 || width <= 0) {
                throw new DataException(name + ": header says " + count + " images of " + height + "x" + width
                        + " but " + labelCount + " labels");
            }
            byte[] pixels = new byte[Math.multiplyExact(Math.multiplyExact(count, height), width)];
            img.readFully(pixels);
            byte[] labelBytes = new byte[count];
            lab.readFully(labelBytes);
            for (byte label : labelBytes) {
                if (label < 0 || label > 9) {
                    throw new DataException(name + ": label " + label + " is not a class 0..9");
                }
            }
            return new ImageSet(name, height, width, pixels, labelBytes);
        } catch (EOFException e) {
            throw new DataException(name + ": file ends before the count its header gives (truncated?)");
        }
    }

    private static void expectMagic(String what, int actual, int expected) {
        if (actual != expected) {
            throw new DataException(String.format("%s: not an IDX file (magic 0x%08X, expected 0x%08X)",
                    what, actual, expected));
        }
    }

    private static InputStream open(Path path) throws IOException {
        InputStream in = Files.newInputStream(path);
        return path.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
    }
}
