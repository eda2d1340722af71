package dev.papa.sampler;

import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.checkpoint.Tensors;
import dev.papa.engine.model.LoraSpec;
import dev.papa.engine.model.UNetConfig;
import dev.papa.engine.model.UNetModel;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a tiny random base model to a temporary file and points {@code papa.model.base-path}
 * at it, so the tests sample in milliseconds instead of loading the shipped model.
 */
public class TinyBaseModelResource implements QuarkusTestResourceLifecycleManager {

    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("papa-sampler-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path path = dir.resolve("tiny-base.ckpt");
        randomBase(1).write(path);
        return Map.of("papa.model.base-path", path.toString());
    }

    @Override
    public void stop() {
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp dir left behind is harmless
            }
        }
    }

    /**
     * A tiny UNet whose every weight is random (DJL leaves some layers zero-initialized, which
     * would make the base model's prediction trivial), reproducible from {@code seed}.
     */
    static Checkpoint randomBase(long seed) {
        try (UNetModel model = new UNetModel(UNetConfig.tiny(), LoraSpec.NONE)) {
            SplittableRandom random = new SplittableRandom(seed);
            Tensors weights = new Tensors();
            model.baseWeights().asMap().forEach((name, t) -> {
                float[] v = t.values().clone();
                for (int i = 0; i < v.length; i++) {
                    v[i] = name.endsWith("gamma") ? 1f : (float) (0.1 * random.nextGaussian());
                }
                weights.put(name, new Tensors.Tensor(t.shape(), v));
            });
            model.loadBaseWeights(weights);
            return model.toBaseCheckpoint(Map.of("test.seed", Long.toString(seed)));
        }
    }
}
