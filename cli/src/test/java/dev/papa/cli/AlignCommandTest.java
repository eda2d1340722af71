package dev.papa.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `papa align` refuses bad input before any work: one line on stderr naming the problem, exit code 2, no output. */
class AlignCommandTest {

    @TempDir
    Path dir;

    @Test
    void badInputExitsWithTwoAndWritesNothing() throws IOException {
        Path corrupted = Files.write(dir.resolve("corrupted.ckpt"), new byte[100]);
        Map<String, String> expected = Map.of(
                "--preferred 12", "unknown preferred class 12",
                "--rounds 0", "--rounds must be in",
                "--steps-per-round 0", "--steps-per-round must be in",
                "--algorithm foo", "--algorithm must be papa or epapa",
                "--feedback x", "--feedback must be binary, positive or graded",
                "--eta 2", "--eta must be in",
                "--base-model " + corrupted, "not a PAPA checkpoint",
                "--base-model " + dir.resolve("missing.ckpt"), "checkpoint not found",
                "--dataset fashion --data-dir " + dir.resolve("nowhere"), "Fashion-MNIST folder not found");
        Path out = dir.resolve("out");
        for (Map.Entry<String, String> c : expected.entrySet()) {
            StringWriter err = new StringWriter();
            assertEquals(2, align(err, out, c.getKey().split(" ")), c.getKey());
            assertTrue(err.toString().contains(c.getValue()), c.getKey() + ": " + err);
            assertFalse(Files.exists(out), c.getKey() + " wrote " + out);
        }
    }

    @Test
    void anEmptyPreferenceSetIsRefused() {
        StringWriter err = new StringWriter();
        assertEquals(2, align(err, dir.resolve("out"), "--preferred="));
        assertTrue(err.toString().contains("Invalid value for option '--preferred'"), err.toString());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    /** Runs `papa align --out OUT ARGS`, its stderr into {@code err}; returns the exit code. */
    private static int align(StringWriter err, Path out, String... args) {
        CommandLine cli = Papa.commandLine();
        cli.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("align", "--out", out.toString()));
        all.addAll(List.of(args));
        return cli.execute(all.toArray(String[]::new));
    }
}
