package dev.papa.trainer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes a tiny random base model to a temporary file and points papa.model.base-path at it. */
public class TinyModelTestResource implements QuarkusTestResourceLifecycleManager {

    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("papa-trainer-model");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path model = dir.resolve("tiny-base.ckpt");
        TrainerTests.tinyBase(42).write(model);
        return Map.of("papa.model.base-path", model.toString());
    }

    @Override
    public void stop() {
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // temporary files only
            }
        }
    }
}
