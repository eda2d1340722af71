package dev.papa.engine.oracle;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.checkpoint.CheckpointException;
import dev.papa.engine.checkpoint.Tensors;
import dev.papa.engine.data.ImageSet;
import dev.papa.engine.model.NoGradient;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * The feedback classifier ("oracle"): a small CNN that labels generated images so a
 * {@link SimulatedUser} can like or dislike them, and whose penultimate features feed the
 * Fréchet distance. Layout in {@link OracleConfig}; input (B, 1, S, S) in [−1, 1], the range of
 * {@link ImageSet#toTensor}.
 *
 * <p>Inference methods ({@link #probabilities}, {@link #features}, {@link #predict}) run in
 * chunks under scratch managers and return arrays in the input's manager, so callers free the
 * results the way they free their inputs. They are not differentiable (values go through the
 * Java heap). Training is the {@link OracleTrainer}'s job.
 */
public final class OracleClassifier implements AutoCloseable {

    /** Images per forward pass during inference: bounds the memory of large batches. */
    private static final int CHUNK = 250;
    private static final float DROPOUT = 0.25f;

    private final OracleConfig config;
    private final Map<String, String> properties;
    private final NDManager manager;
    private final SequentialBlock trunk;
    private final SequentialBlock head;
    private final ParameterStore store;
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();

    /** A new network with deterministic He-normal weights drawn from {@code seed}. */
    public OracleClassifier(OracleConfig config, long seed) {
        this(config, Map.of());
        initialize(seed);
    }

    private OracleClassifier(OracleConfig config, Map<String, String> properties) {
        this.config = config;
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        Map<String, Block> layers = new LinkedHashMap<>();
        layers.put("conv1", conv(config.channels1()));
        layers.put("conv2", conv(config.channels2()));
        layers.put("conv3", conv(config.channels3()));
        layers.put("features", Linear.builder().setUnits(config.featureDim()).build());
        layers.put("logits", Linear.builder().setUnits(config.classes()).build());
        Shape pool = new Shape(2, 2);
        trunk = new SequentialBlock();
        for (String conv : List.of("conv1", "conv2", "conv3")) {
            trunk.add(layers.get(conv)).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(pool, pool));
        }
        trunk.add(Blocks.batchFlattenBlock()).add(layers.get("features")).add(Activation.reluBlock());
        head = new SequentialBlock().add(Dropout.builder().optRate(DROPOUT).build()).add(layers.get("logits"));
        manager = NDManager.newBaseManager();
        int s = config.imageSize();
        trunk.initialize(manager, DataType.FLOAT32, new Shape(1, 1, s, s));
        head.initialize(manager, DataType.FLOAT32, new Shape(1, config.featureDim()));
        store = new ParameterStore(manager, false);
        layers.forEach((layer, block) -> {
            for (Pair<String, Parameter> p : block.getParameters()) {
                parameters.put(layer + "." + p.getKey(), p.getValue());
            }
        });
    }

    private static Block conv(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters).build();
    }

    /** Rebuilds the network a checkpoint describes and loads its weights. */
    public static OracleClassifier fromCheckpoint(Checkpoint checkpoint) {
        checkpoint.expect(Checkpoint.Kind.ORACLE);
        OracleClassifier oracle = new OracleClassifier(OracleConfig.fromProperties(checkpoint.properties()), checkpoint.properties());
        try {
            oracle.loadWeights(checkpoint.tensors());
        } catch (RuntimeException e) {
            oracle.close();
            throw e;
        }
        return oracle;
    }

    public static OracleClassifier load(Path path) {
        return fromCheckpoint(Checkpoint.read(path));
    }

    public OracleConfig config() {
        return config;
    }

    public int classes() {
        return config.classes();
    }

    public int featureDim() {
        return config.featureDim();
    }

    /** Properties of the checkpoint this oracle was loaded from (empty for a new network). */
    public Map<String, String> properties() {
        return properties;
    }

    /** Class probabilities, (B, K). */
    public NDArray probabilities(NDArray images) {
        return inference(images, config.classes(), x -> logits(x, false).softmax(1));
    }

    /** Penultimate features (after the ReLU), (B, D): what the Fréchet distance compares. */
    public NDArray features(NDArray images) {
        return inference(images, config.featureDim(), x -> features(x, false));
    }

    /** The most probable class of each image. */
    public int[] predict(NDArray images) {
        return argMax(probabilities(images).toFloatArray(), config.classes());
    }

    /** Share of {@code set} classified as labelled. */
    public double accuracy(ImageSet set) {
        checkImageSize(set.height(), set.width());
        int correct = 0;
        for (int from = 0; from < set.size(); from += CHUNK) {
            int[] indices = IntStream.range(from, Math.min(set.size(), from + CHUNK)).toArray();
            try (NDManager scratch = manager.newSubManager()) {
                int[] predicted = predict(set.toTensor(scratch, indices));
                for (int i = 0; i < indices.length; i++) {
                    if (predicted[i] == set.label(indices[i])) {
                        correct++;
                    }
                }
            }
        }
        return set.size() == 0 ? Double.NaN : (double) correct / set.size();
    }

    /** Row-wise argmax of a (B, K) row-major matrix. */
    public static int[] argMax(float[] values, int columns) {
        int rows = values.length / columns;
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int c = 1; c < columns; c++) {
                if (values[r * columns + c] > values[r * columns + best]) {
                    best = c;
                }
            }
            out[r] = best;
        }
        return out;
    }

    /** Raw forward pass for training: arrays allocate in x's manager. */
    NDArray logits(NDArray x, boolean training) {
        return head.forward(store, new NDList(features(x, training)), training).singletonOrThrow();
    }

    private NDArray features(NDArray x, boolean training) {
        return trunk.forward(store, new NDList(x), training).singletonOrThrow();
    }

    List<Parameter> parameters() {
        return new ArrayList<>(parameters.values());
    }

    NDManager manager() {
        return manager;
    }

    public long parameterCount() {
        return parameters.values().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    public Tensors weights() {
        Tensors out = new Tensors();
        parameters.forEach((name, p) -> out.put(name, Tensors.Tensor.of(p.getArray())));
        return out;
    }

    /** Copies weights in place; every tensor must be present with the model's shape, and no other. */
    public void loadWeights(Tensors weights) {
        for (String name : weights.asMap().keySet()) {
            if (!parameters.containsKey(name)) {
                throw new CheckpointException("oracle checkpoint has an unexpected tensor " + name);
            }
        }
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            if (!weights.contains(e.getKey())) {
                throw new CheckpointException("oracle checkpoint lacks weight " + e.getKey());
            }
            Tensors.Tensor t = weights.get(e.getKey());
            NDArray array = e.getValue().getArray();
            if (!new Shape(t.shape()).equals(array.getShape())) {
                throw new CheckpointException("oracle weight " + e.getKey() + " has shape " + new Shape(t.shape())
                        + ", the architecture expects " + array.getShape());
            }
        }
        parameters.forEach((name, p) -> p.getArray().set(FloatBuffer.wrap(weights.get(name).values())));
    }

    /** An ORACLE checkpoint: the architecture, then {@code provenance} (data set, accuracy, training settings). */
    public Checkpoint toCheckpoint(Map<String, String> provenance) {
        Map<String, String> p = new LinkedHashMap<>(config.toProperties());
        provenance.forEach((k, v) -> {
            if (!k.startsWith("oracle.") || !p.containsKey(k)) {
                p.put(k, v);
            }
        });
        return new Checkpoint(Checkpoint.Kind.ORACLE, p, weights());
    }

    /** He-normal weights (std √(2/fan-in)), zero biases, from a private generator: reproducible. */
    private void initialize(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Parameter p : parameters.values()) {
            NDArray array = p.getArray();
            float[] values = new float[Math.toIntExact(array.size())];
            if (p.getType() == Parameter.Type.WEIGHT) {
                double std = Math.sqrt(2.0 / (array.size() / array.getShape().get(0)));
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (random.nextGaussian() * std);
                }
            }
            array.set(FloatBuffer.wrap(values));
        }
    }

    private NDArray inference(NDArray images, int width, Function<NDArray, NDArray> forward) {
        Shape shape = images.getShape();
        if (shape.dimension() != 4 || shape.get(1) != 1) {
            throw new IllegalArgumentException("the oracle takes (B, 1, " + config.imageSize() + ", " + config.imageSize()
                    + ") images, got " + shape);
        }
        checkImageSize(shape.get(2), shape.get(3));
        int n = Math.toIntExact(shape.get(0));
        float[] out = new float[n * width];
        for (int from = 0; from < n; from += CHUNK) {
            int to = Math.min(n, from + CHUNK);
            try (NDManager scratch = manager.newSubManager()) {
                NDArray slice = images.get(from + ":" + to);
                slice.attach(scratch);
                NDArray part = slice.toType(DataType.FLOAT32, false);
                float[] values = NoGradient.run(() -> forward.apply(part)).toFloatArray();
                System.arraycopy(values, 0, out, from * width, values.length);
            }
        }
        return images.getManager().create(out, new Shape(n, width));
    }

    private void checkImageSize(long height, long width) {
        if (height != config.imageSize() || width != config.imageSize()) {
            throw new IllegalArgumentException("the oracle takes " + config.imageSize() + "x" + config.imageSize()
                    + " images, got " + height + "x" + width);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
