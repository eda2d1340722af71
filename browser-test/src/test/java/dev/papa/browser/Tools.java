package dev.papa.browser;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The programs the browser test needs besides Java (Node.js, npm, Chromium), and running them. */
final class Tools {

    /** Debian's Chromium, unless PAPA_CHROMIUM names another. */
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("PAPA_CHROMIUM", "/usr/bin/chromium"));

    /** What a finished program printed (stdout and stderr together) and its exit code. */
    record Result(int exitCode, String output) {}

    private Tools() {
    }

    /**
     * Node.js, npm and Chromium are there, or the test cannot run: in CI (CI=true) that fails the
     * build, since .ci/run installs them; elsewhere the test is skipped with the reason.
     */
    static void require() {
        String missing = !works("node", "--version") ? "node (Node.js)"
                : !works("npm", "--version") ? "npm"
                : !Files.isExecutable(CHROMIUM) ? CHROMIUM + " (Chromium)" : null;
        if (missing == null) {
            return;
        }
        String message = missing + " is missing, so the browser test cannot run. On Debian: "
                + "apt-get install --no-install-recommends chromium nodejs npm (.ci/run does this).";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(message);
        }
        Assumptions.abort(message);
    }

    private static boolean works(String... command) {
        try {
            return run(Path.of("."), List.of(command), Map.of(), Duration.ofSeconds(30), null).exitCode() == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Runs a program to its end (killed after {@code timeout}); its output also goes to {@code log} if given. */
    static Result run(Path dir, List<String> command, Map<String, String> env, Duration timeout, Path log) {
        try {
            Path out = log != null ? log : Files.createTempFile("papa-browser-test", ".log");
            Files.createDirectories(out.toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(out.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return new Result(-1, Files.readString(out, StandardCharsets.UTF_8) + "\n(killed after " + timeout + ")");
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            if (log == null) {
                Files.delete(out);
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command);
        }
    }
}
