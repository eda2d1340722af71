package dev.papa.cli;

import java.nio.file.Path;

/** Where the shipped weights live in the repository. */
final class ModelPaths {
    static final Path BASE_MODEL = Path.of("models/mnist-base.ckpt");
    static final Path ORACLE = Path.of("models/mnist-oracle.ckpt");

    private ModelPaths() {}
}
