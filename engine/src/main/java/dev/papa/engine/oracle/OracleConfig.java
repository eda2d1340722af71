package dev.papa.engine.oracle;

import dev.papa.engine.checkpoint.CheckpointException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Shape of the oracle CNN. Stored in the checkpoint's properties so a checkpoint rebuilds the
 * exact network it was trained as.
 *
 * <pre>
 * (B, 1, S, S) → conv3×3 c1, ReLU, maxpool 2   (S/2)
 *              → conv3×3 c2, ReLU, maxpool 2   (S/4)
 *              → conv3×3 c3, ReLU, maxpool 2   (S/8, floor)
 *              → flatten → dense D, ReLU        penultimate features (B, D)
 *              → dropout (training only) → dense K   logits (B, K)
 * </pre>
 *
 * @param imageSize   S, square grey images
 * @param channels1   filters of the first conv
 * @param channels2   filters of the second conv
 * @param channels3   filters of the third conv
 * @param featureDim  D, the penultimate width (Fréchet features)
 * @param classes     K
 */
public record OracleConfig(int imageSize, int channels1, int channels2, int channels3, int featureDim, int classes) {

    /** Architecture name written into checkpoints; bump it when the layer layout changes. */
    public static final String ARCHITECTURE = "papa-oracle-cnn-v1";

    public OracleConfig {
        if (imageSize < 8 || channels1 < 1 || channels2 < 1 || channels3 < 1 || featureDim < 1 || classes < 2) {
            throw new IllegalArgumentException("invalid oracle config: " + imageSize + "px, channels "
                    + channels1 + "/" + channels2 + "/" + channels3 + ", " + featureDim + " features, " + classes + " classes");
        }
    }

    /** The shipped oracle: about 131k parameters (≈ 0.5 MB as float32). */
    public static OracleConfig mnist() {
        return new OracleConfig(28, 32, 64, 64, 128, 10);
    }

    /** A very small network for tests of the mechanics. */
    public static OracleConfig tiny() {
        return new OracleConfig(28, 8, 16, 16, 32, 10);
    }

    /** Side of the last feature map (three 2×2 poolings, floor). */
    int pooledSize() {
        return imageSize / 2 / 2 / 2;
    }

    public Map<String, String> toProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("oracle.architecture", ARCHITECTURE);
        p.put("oracle.imageSize", Integer.toString(imageSize));
        p.put("oracle.channels", channels1 + "," + channels2 + "," + channels3);
        p.put("oracle.featureDim", Integer.toString(featureDim));
        p.put("oracle.classes", Integer.toString(classes));
        return p;
    }

    public static OracleConfig fromProperties(Map<String, String> p) {
        String architecture = p.get("oracle.architecture");
        if (!ARCHITECTURE.equals(architecture)) {
            throw new CheckpointException("oracle architecture " + architecture + " is not supported (this build reads "
                    + ARCHITECTURE + ")");
        }
        try {
            String[] channels = require(p, "oracle.channels").split(",");
            if (channels.length != 3) {
                throw new CheckpointException("oracle.channels must list three widths, got " + p.get("oracle.channels"));
            }
            return new OracleConfig(Integer.parseInt(require(p, "oracle.imageSize")),
                    Integer.parseInt(channels[0].trim()), Integer.parseInt(channels[1].trim()), Integer.parseInt(channels[2].trim()),
                    Integer.parseInt(require(p, "oracle.featureDim")), Integer.parseInt(require(p, "oracle.classes")));
        } catch (NumberFormatException e) {
            throw new CheckpointException("oracle properties are malformed: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(e.getMessage(), e);
        }
    }

    private static String require(Map<String, String> p, String key) {
        String value = p.get(key);
        if (value == null) {
            throw new CheckpointException("oracle checkpoint lacks property " + key);
        }
        return value;
    }
}
