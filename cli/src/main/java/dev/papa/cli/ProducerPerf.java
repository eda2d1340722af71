package dev.papa.cli;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kafka's own producer benchmark, org.apache.kafka.tools.ProducerPerformance (kafka-tools), run as
 * its own JVM against the stack's broker: the yardstick for what the broker takes with the same
 * record size and the same durability (acks=all, idempotent) as the feedback service's producer.
 */
final class ProducerPerf {

    /** ProducerPerformance's summary line. */
    record Result(long records, double recordsPerSecond, double megabytesPerSecond, double averageLatencyMs,
                  double p99LatencyMs, String summary) {}

    // "100000 records sent, 81037.3 records/sec (10.82 MB/sec), 250.24 ms avg latency, 498.00 ms max latency,
    //  237 ms 50th, 452 ms 95th, 479 ms 99th, 495 ms 99.9th."
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), "
            + "([\\d.]+) ms avg latency, [\\d.]+ ms max latency, [\\d.]+ ms 50th, [\\d.]+ ms 95th, ([\\d.]+) ms 99th.*");

    private ProducerPerf() {}

    static Result run(String bootstrapServers, String topic, int partitions, long records, int recordSize, Path log) {
        createTopic(bootstrapServers, topic, partitions);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.language=en", "-cp", System.getProperty("java.class.path"), "org.apache.kafka.tools.ProducerPerformance",
                "--topic", topic, "--num-records", Long.toString(records), "--record-size", Integer.toString(recordSize),
                "--throughput", "-1", "--producer-props", "bootstrap.servers=" + bootstrapServers, "acks=all",
                "enable.idempotence=true");
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            String summary = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (SUMMARY.matcher(line).matches()) {
                        summary = line;
                    }
                }
            }
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0 || summary == null) {
                process.destroyForcibly();
                throw new IllegalStateException("ProducerPerformance failed (exit " + (process.isAlive() ? "none" : process.exitValue())
                        + "); see " + log);
            }
            return parse(summary);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run ProducerPerformance", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** ProducerPerformance's final line, e.g. "100 records sent, 5.0 records/sec (...), ... ms 99.9th." */
    static Result parse(String summary) {
        Matcher m = SUMMARY.matcher(summary);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a ProducerPerformance summary: " + summary);
        }
        return new Result(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)), summary);
    }

    /** Its own topic, partitioned like papa.feedback, so the benchmark's records never reach the join. */
    private static void createTopic(String bootstrapServers, String topic, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic, e.getCause());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + topic, e);
        }
    }
}
