package dev.papa.kafka.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaMainTest {

    @Test
    void parsesArguments() throws Exception {
        LocalKafkaMain.Options options = LocalKafkaMain.parse(
                new String[] {"--port", "9094", "--data-dir=runs/k", "--partitions", "6"});
        assertEquals(new LocalKafkaMain.Options(9094, Path.of("runs/k"), 6), options);
        assertEquals(new LocalKafkaMain.Options(9092, Path.of("runs", "kafka"), 4), LocalKafkaMain.parse(new String[0]));
        assertThrows(LocalKafkaMain.UsageException.class, () -> LocalKafkaMain.parse(new String[] {"--port"}));
        assertThrows(LocalKafkaMain.UsageException.class, () -> LocalKafkaMain.parse(new String[] {"--port", "70000"}));
        assertThrows(LocalKafkaMain.UsageException.class, () -> LocalKafkaMain.parse(new String[] {"--partitions", "0"}));
        assertThrows(LocalKafkaMain.UsageException.class, () -> LocalKafkaMain.parse(new String[] {"--data-dir", ""}));
    }

    @Test
    void badArgumentReturnsTwoWithAMessage() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LocalKafkaMain.run(new String[] {"--port", "abc"}, print(out), print(err));
        assertEquals(2, code);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing on stdout");
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("--port needs a whole number, got 'abc'"), message);
        assertTrue(message.contains("usage:"), message);
    }

    @Test
    void processWithUnknownArgumentExitsNonZero() throws Exception {
        Process process = javaProcess("--bogus").start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exits by itself");
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertNotEquals(0, process.exitValue());
        assertTrue(stderr.contains("unknown argument '--bogus'"), stderr);
    }

    /** The local-stack path: a process that prints the ready line, has the topics, stops on SIGTERM. */
    @Test
    void processStartsCreatesTopicsAndStopsOnSigterm(@TempDir Path tmp) throws Exception {
        Path dataDir = tmp.resolve("kafka");
        int port = LocalKafkaBroker.freePort();
        Path stderrFile = tmp.resolve("stderr.txt");
        Process process = javaProcess("--port", Integer.toString(port), "--data-dir", dataDir.toString(),
                "--partitions", "2")
                .redirectError(stderrFile.toFile())
                .start();
        try {
            List<String> stdout = new ArrayList<>();
            long t0 = System.nanoTime();
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line = reader.readLine(); // blocks until the ready line (or EOF if it died)
                if (line != null) {
                    stdout.add(line);
                }
            }
            System.out.printf("kafka-local: LocalKafkaMain process ready after %d ms (JVM start included)%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            assertEquals(List.of("kafka ready bootstrap=localhost:" + port), stdout,
                    () -> "stderr: " + read(stderrFile));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + port))) {
                Set<String> names = admin.listTopics().names().get();
                assertTrue(names.containsAll(PapaTopics.ALL), names.toString());
                assertEquals(2, admin.describeTopics(List.of(PapaTopics.FEEDBACK)).allTopicNames().get()
                        .get(PapaTopics.FEEDBACK).partitions().size());
            }
            process.destroy(); // SIGTERM
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "stops after SIGTERM");
            String stderr = read(stderrFile);
            assertTrue(stderr.contains("stopping Kafka"), stderr);
            assertTrue(Files.isRegularFile(dataDir.resolve("meta.properties")), "storage is kept");
        } finally {
            process.destroyForcibly();
        }
    }

    private static ProcessBuilder javaProcess(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")); // as bin/kafka-local.sh
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LocalKafkaMain.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private static PrintStream print(ByteArrayOutputStream out) {
        return new PrintStream(out, true, StandardCharsets.UTF_8);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
