package dev.papa.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.papa.cli.stack.LocalStack;
import dev.papa.cli.stack.ProcessUsage;
import dev.papa.cli.stack.SimulatedClient;
import dev.papa.cli.stack.StackClient;
import dev.papa.engine.image.LinePlot;
import dev.papa.engine.image.PngImages;
import dev.papa.engine.oracle.FeedbackMode;
import dev.papa.engine.oracle.OracleClassifier;
import dev.papa.engine.oracle.SimulatedUser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Start the stack, play simulated users through its HTTP APIs round after round, write a report, stop.")
final class DemoCommand implements Callable<Integer> {

    /** Preferred classes of the simulated users, in order: the paper's user first. */
    private static final List<List<Integer>> PREFERENCES = List.of(List.of(1, 4, 7, 9), List.of(0, 3, 8), List.of(2, 5, 6));
    private static final List<String> NAMES = List.of("alice", "bob", "carol");

    @Mixin
    StackOptions stack;

    @Option(names = "--users", description = "Simulated users, 1..3 (default: ${DEFAULT-VALUE}).")
    int users = 2;

    @Option(names = "--rounds", description = "Rounds per user (default: ${DEFAULT-VALUE}).")
    int rounds = 8;

    @Option(names = "--images-per-round", description = "Images per round; the trainer's round size must match (default: ${DEFAULT-VALUE}).")
    int imagesPerRound = 10;

    @Option(names = "--ddim-steps", description = "DDIM steps per image (default: ${DEFAULT-VALUE}).")
    int ddimSteps = 25;

    @Option(names = "--eta", description = "DDIM eta in [0, 1]; use 0 below 25 steps (default: ${DEFAULT-VALUE}).")
    double eta = 1;

    @Option(names = "--oracle", description = "Oracle that plays the users (default: ${DEFAULT-VALUE}).")
    Path oraclePath = ModelPaths.ORACLE;

    @Option(names = "--round-timeout", description = "Seconds to wait for a new adapter after a round (default: ${DEFAULT-VALUE}).")
    int roundTimeoutSeconds = 300;

    @Option(names = "--out", description = "Report folder (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("out/demo");

    /** One user's rounds as the demo saw them. */
    private record UserRun(SimulatedClient client, List<Long> versions, List<Double> ratios, List<byte[][]> images) {
        String name() {
            return client.userId();
        }
    }

    @Override
    public Integer call() {
        Options.inRange("--users", users, 1, PREFERENCES.size());
        Options.inRange("--rounds", rounds, 1, 1000);
        Options.inRange("--images-per-round", imagesPerRound, 1, SimulatedClient.MAX_BATCH);
        Options.inRange("--ddim-steps", ddimSteps, 1, 1000);
        Options.inRange("--eta", eta, 0, 1);
        Options.inRange("--round-timeout", roundTimeoutSeconds, 1, 3600);
        try (OracleClassifier oracle = OracleClassifier.load(oraclePath);
             LocalStack running = stack.startFresh(Map.of("PAPA_TRAINER_ROUND_SIZE", Integer.toString(imagesPerRound)))) {
            System.out.printf("stack up: kafka %s, sampler :%d, feedback :%d, trainer :%d (logs in %s)%n",
                    running.bootstrapServers(), LocalStack.SAMPLER.port(), LocalStack.FEEDBACK.port(),
                    LocalStack.TRAINER.port(), running.logDir());
            StackClient client = new StackClient();
            List<UserRun> runs = new ArrayList<>();
            for (int u = 0; u < users; u++) {
                SimulatedUser user = new SimulatedUser(oracle, PREFERENCES.get(u), FeedbackMode.BINARY);
                runs.add(new UserRun(new SimulatedClient(client, NAMES.get(u), user), new ArrayList<>(), new ArrayList<>(),
                        new ArrayList<>()));
            }
            System.out.println("round  user   prefers       version  preference ratio");
            for (int round = 1; round <= rounds; round++) {
                for (UserRun run : runs) {
                    playRound(run, round);
                }
                for (UserRun run : runs) {
                    long used = run.versions().get(run.versions().size() - 1);
                    if (run.client().awaitNextVersion(used, Duration.ofSeconds(roundTimeoutSeconds)).isEmpty()) {
                        // This machine's vector units now and then return garbage; the trainer then
                        // dead-letters the round instead of publishing it (README). Play on.
                        System.out.printf("       %-5s  no new version after round %d (update rejected or timed out; see %s)%n",
                                run.name(), round, running.logDir().resolve("trainer.log"));
                    }
                }
            }
            writeReport(runs);
            // Measured before the stack stops: what each process needs (docs/measurements.md, k8s sizing).
            System.out.print(ProcessUsage.table(running.processes()));
        }
        return 0;
    }

    private void playRound(UserRun run, int round) {
        SimulatedClient.Round played = run.client().play(imagesPerRound, new StackClient.Ddim(ddimSteps, eta),
                round * 1000L + run.name().hashCode());
        run.versions().add(played.version());
        run.ratios().add(played.likedShare());
        run.images().add(played.pixels());
        System.out.printf(Locale.ROOT, "%5d  %-5s  %-12s  %7d  %16.2f%n", round, run.name(), run.client().user().preferredClasses(),
                played.version(), played.likedShare());
    }

    private void writeReport(List<UserRun> runs) {
        try {
            Files.createDirectories(out);
            LinePlot plot = new LinePlot("Preference ratio of each round's images", "round", "share liked").yRange(0, 1);
            ObjectMapper json = new ObjectMapper();
            ObjectNode summary = json.createObjectNode();
            ArrayNode usersNode = summary.putArray("users");
            for (UserRun run : runs) {
                double[] x = new double[run.ratios().size()];
                double[] y = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    x[i] = i + 1;
                    y[i] = run.ratios().get(i);
                }
                plot.add(run.name() + " " + run.client().user().preferredClasses(), x, y);
                PngImages.writeGrid(out.resolve(run.name() + "-first-round.png"), run.images().get(0), 28, 28, 10);
                PngImages.writeGrid(out.resolve(run.name() + "-last-round.png"), run.images().get(run.images().size() - 1), 28, 28, 10);
                ObjectNode userNode = usersNode.addObject().put("user", run.name());
                run.client().user().preferredClasses().forEach(userNode.putArray("preferredClasses")::add);
                ArrayNode roundsNode = userNode.putArray("rounds");
                for (int i = 0; i < x.length; i++) {
                    roundsNode.addObject().put("round", i + 1).put("adapterVersion", run.versions().get(i)).put("preferenceRatio", y[i]);
                }
            }
            PngImages.write(out.resolve("preference-ratio.png"), plot.render(720, 420));
            json.writerWithDefaultPrettyPrinter().writeValue(out.resolve("summary.json").toFile(), summary);
            System.out.println("report: " + out.toAbsolutePath() + " (summary.json, preference-ratio.png, *-first-round.png, *-last-round.png)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
