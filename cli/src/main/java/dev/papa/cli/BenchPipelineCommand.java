package dev.papa.cli;

import dev.papa.cli.stack.LocalStack;
import dev.papa.cli.stack.ProcessUsage;
import dev.papa.cli.stack.SimulatedClient;
import dev.papa.cli.stack.StackClient;
import dev.papa.engine.oracle.FeedbackMode;
import dev.papa.engine.oracle.OracleClassifier;
import dev.papa.engine.oracle.SimulatedUser;
import dev.papa.kafka.local.PapaTopics;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

@Command(name = "pipeline", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Start the stack and measure it side by side: feedback over HTTP vs Kafka's ProducerPerformance, "
                + "last feedback -> new adapter served (p50/p99, update compute apart), adapter hot-reload time.")
final class BenchPipelineCommand implements Callable<Integer> {

    private static final String ROUNDS_USER = "bench-rounds";
    private static final String LOAD_USER = "bench-load";

    @Mixin
    StackOptions stack;

    @Option(names = "--rounds", description = "Feedback rounds timed to the new adapter (default: ${DEFAULT-VALUE}).")
    int rounds = 8;

    @Option(names = "--round-size", description = "Feedbacks per round; the trainer's round size (default: ${DEFAULT-VALUE}).")
    int roundSize = 4;

    @Option(names = "--ddim-steps", description = "DDIM steps of the images the rounds react to (default: ${DEFAULT-VALUE}).")
    int ddimSteps = 10;

    @Option(names = "--requests", description = "Feedback requests sent over HTTP (default: ${DEFAULT-VALUE}).")
    int requests = 5000;

    @Option(names = "--clients", description = "Concurrent HTTP clients (default: ${DEFAULT-VALUE}).")
    int clients = 8;

    @Option(names = "--producer-records", description = "Records ProducerPerformance sends (default: ${DEFAULT-VALUE}).")
    long producerRecords = 200_000;

    @Option(names = "--oracle", description = "Oracle that plays the user of the rounds (default: ${DEFAULT-VALUE}).")
    Path oraclePath = ModelPaths.ORACLE;

    @Option(names = "--round-timeout", description = "Seconds to wait for a round's adapter (default: ${DEFAULT-VALUE}).")
    int roundTimeoutSeconds = 300;

    /** One timed round: last feedback to new version served, the trainer's update time, the sampler's reload time. */
    private record Timing(double latencySeconds, double updateSeconds, double reloadSeconds) {}

    @Override
    public Integer call() throws InterruptedException {
        Options.inRange("--rounds", rounds, 1, 1000);
        Options.inRange("--round-size", roundSize, 1, SimulatedClient.MAX_BATCH);
        Options.inRange("--ddim-steps", ddimSteps, 1, 1000);
        Options.inRange("--requests", requests, 1, 10_000_000);
        Options.inRange("--clients", clients, 1, 256);
        Options.inRange("--producer-records", producerRecords, 1, 100_000_000);
        Options.inRange("--round-timeout", roundTimeoutSeconds, 1, 3600);
        try (OracleClassifier oracle = OracleClassifier.load(oraclePath);
             LocalStack running = stack.startFresh(Map.of("PAPA_TRAINER_ROUND_SIZE", Integer.toString(roundSize)))) {
            StackClient client = new StackClient();
            SimulatedClient user = new SimulatedClient(client, ROUNDS_USER,
                    new SimulatedUser(oracle, List.of(1, 4, 7, 9), FeedbackMode.BINARY));
            List<Timing> timings = timeRounds(client, user);

            List<StackClient.GeneratedImage> images =
                    client.generate(LOAD_USER, SimulatedClient.MAX_BATCH, new StackClient.Ddim(1, 0), 7);
            FeedbackLoad.Result http = FeedbackLoad.run(client, running.bootstrapServers(), LOAD_USER, images, requests, clients);
            // The load's distinct feedback ids become a few rounds of updates: let the trainer finish
            // them, so they do not share the cores with ProducerPerformance.
            client.awaitTrainerIdle(Duration.ofMinutes(5));
            int recordSize = (int) Math.round(http.recordBytes());
            System.err.println("ProducerPerformance: " + producerRecords + " records of " + recordSize + " bytes...");
            ProducerPerf.Result kafka = ProducerPerf.run(running.bootstrapServers(), "papa.bench.producer-performance",
                    PapaTopics.DEFAULT_PARTITIONS, producerRecords, recordSize, running.logDir().resolve("producer-performance.log"));
            print(http, kafka, recordSize, timings);
            System.out.println();
            System.out.print(ProcessUsage.table(running.processes()));
        }
        return 0;
    }

    private List<Timing> timeRounds(StackClient client, SimulatedClient user) {
        List<Timing> timings = new ArrayList<>();
        long version = 0;
        try (ProgressBar bar = Progress.bar("rounds to a new adapter", rounds)) {
            for (int round = 1; round <= rounds; round++) {
                double updates = client.metric(LocalStack.TRAINER, "papa_trainer_update_duration_seconds_sum", "");
                double reloads = client.metric(LocalStack.SAMPLER, "papa_adapter_reload_seconds_sum", "source=\"topic\"");
                // deterministic DDIM: this times the pipeline; image quality is not its question
                SimulatedClient.Round played = user.play(roundSize, new StackClient.Ddim(ddimSteps, 0), round);
                OptionalLong next = user.awaitNextVersion(played.version(), Duration.ofSeconds(roundTimeoutSeconds));
                double latency = (System.nanoTime() - played.lastFeedbackNanos()) / 1e9;
                bar.step();
                if (next.isEmpty()) {
                    System.err.println("round " + round + ": no new version (update rejected as non-finite, or timed out)");
                    continue;
                }
                version = next.getAsLong();
                timings.add(new Timing(latency,
                        client.metric(LocalStack.TRAINER, "papa_trainer_update_duration_seconds_sum", "") - updates,
                        client.metric(LocalStack.SAMPLER, "papa_adapter_reload_seconds_sum", "source=\"topic\"") - reloads));
            }
        }
        if (timings.isEmpty()) {
            throw new IllegalStateException("no round produced a new adapter version (last served: " + version + ")");
        }
        return timings;
    }

    private void print(FeedbackLoad.Result http, ProducerPerf.Result kafka, int recordSize, List<Timing> timings) {
        System.out.println();
        System.out.println("| into Kafka | records | record bytes | records/s | vs ProducerPerformance |");
        System.out.println("|---|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| feedback over HTTP (%d clients, 202 = acked, acks=all) | %d accepted, %d refused | %d | %.0f | %.3fx |%n",
                clients, http.accepted(), http.refused(), recordSize, http.acceptedPerSecond(),
                http.acceptedPerSecond() / kafka.recordsPerSecond());
        System.out.printf(Locale.ROOT, "| Kafka ProducerPerformance (acks=all, idempotent, same broker) | %d | %d | %.0f | 1x |%n",
                kafka.records(), recordSize, kafka.recordsPerSecond());
        System.out.println("ProducerPerformance: " + kafka.summary());
        System.out.println();
        System.out.printf("| %d rounds of %d feedbacks | p50 s | p99 s | mean s |%n", timings.size(), roundSize);
        System.out.println("|---|---|---|---|");
        row("last feedback -> sampler serves the new adapter", timings.stream().map(Timing::latencySeconds).toList());
        row("  of which the trainer's update (compute)", timings.stream().map(Timing::updateSeconds).toList());
        row("  the rest (Kafka, join, round close, reload, polling)",
                timings.stream().map(t -> t.latencySeconds() - t.updateSeconds()).toList());
        row("hot reload of one adapter in the sampler", timings.stream().map(Timing::reloadSeconds).toList());
        System.out.println("(nearest-rank percentiles: below 100 rounds p99 is the slowest round)");
    }

    private static void row(String name, List<Double> values) {
        System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f |%n", name, percentile(values, 0.50), percentile(values, 0.99),
                values.stream().mapToDouble(Double::doubleValue).average().orElse(0));
    }

    /** Nearest-rank percentile. */
    static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
