package dev.papa.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml passes `docker-compose config` (the Compose implementation's own validation:
 * schema, interpolation, depends_on conditions), which needs no Docker engine. Skipped where no
 * Compose binary exists; DockerComposeStructureTest checks the file without one.
 */
class DockerComposeConfigTest {

    @Test
    void dockerComposeConfigAcceptsTheFile(@TempDir Path tmp) throws Exception {
        List<String> compose = composeCommand();
        assumeTrue(compose != null, "no docker-compose binary (Debian package docker-compose) and no `docker compose` plugin");
        Path emptyEnv = Files.writeString(tmp.resolve("empty.env"), "");

        Result withSecret = run(compose, emptyEnv, Map.of("PAPA_TOKEN_SECRET", "deploy-check-not-a-secret"));
        assertEquals(0, withSecret.exit, "`" + String.join(" ", compose) + " config` rejected docker-compose.yml:\n" + withSecret.output);
        assertTrue(withSecret.output.contains("deploy-check-not-a-secret"),
                "PAPA_TOKEN_SECRET from the environment reaches the services:\n" + withSecret.output);

        Result withoutSecret = run(compose, emptyEnv, Map.of());
        assertNotEquals(0, withoutSecret.exit,
                "without PAPA_TOKEN_SECRET docker compose must refuse to start (no silent empty secret):\n" + withoutSecret.output);
        assertTrue(withoutSecret.output.contains("PAPA_TOKEN_SECRET"), withoutSecret.output);
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> compose, Path envFile, Map<String, String> env) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(compose);
        // An empty --env-file: a developer's .env (which may hold the secret) must not change the result.
        command.addAll(List.of("--env-file", envFile.toString(), "-f", Repo.path(Compose.FILE).toString(), "config"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(Repo.root().toFile()).redirectErrorStream(true);
        builder.environment().remove("PAPA_TOKEN_SECRET");
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 120 s");
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** docker-compose (v1, Debian's package, or v2 standalone), else the docker CLI's compose plugin, else null. */
    static List<String> composeCommand() {
        if (works(List.of("docker-compose", "version"))) {
            return List.of("docker-compose");
        }
        if (works(List.of("docker", "compose", "version"))) {
            return List.of("docker", "compose");
        }
        return null;
    }

    private static boolean works(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
