package dev.papa.e2e;

import dev.papa.cli.stack.LocalStack;
import dev.papa.cli.stack.SimulatedClient;
import dev.papa.cli.stack.StackClient;
import dev.papa.engine.oracle.FeedbackMode;
import dev.papa.engine.oracle.OracleClassifier;
import dev.papa.engine.oracle.SimulatedUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The whole pipeline as it runs for a person: a Kafka broker and the sampler, feedback and trainer
 * services as separate processes (their packaged jars), and one simulated user (the shipped oracle)
 * reacting to images over HTTP for a few rounds. Checks that adapter versions advance, that the
 * sampler serves each new version (the next round's images carry it) and that the served adapter
 * changes what the sampler draws (the same request gives other images than at version 0). It
 * measures the user's preference ratio on the same evaluation requests at version 0 and at the
 * last version and prints both with a one-sided two-proportion z, and asserts the rise
 * ({@code -Dpapa.e2e.require-rise=false} only prints it). With the paper's unbounded preference
 * term one of three runs collapsed to 0.000 after reaching 0.9-1.0 liked, so the assertion was
 * opt-in until the trainer's defaults (a saturating term, liked images replayed) stopped
 * collapsing in {@code papa align} runs (docs/alignment.md).
 *
 * <p>Needs the shipped base model, models/mnist-base.ckpt (another checkpoint with
 * {@code -Dpapa.e2e.base-model=PATH}).
 */
class PersonalizationEndToEndTest {

    private static final String USER = "e2e-user";
    /** The paper's simulated user. */
    private static final List<Integer> PREFERRED = List.of(1, 4, 7, 9);
    /** The paper's budget: 300 labels. */
    private static final int ROUNDS = 30;
    private static final int ROUND_SIZE = 10;
    /** Deterministic DDIM: at 10 steps it draws cleaner digits than η = 1 (models/README.md). */
    private static final StackClient.Ddim DDIM = new StackClient.Ddim(10, 0);
    /**
     * Images scored at version 0 and at the last version: with n = 400 per side, a rise of 0.09 from 0.41 is 2.5 standard
     * errors (160 missed a real rise of 0.41 -> 0.51 in one CI run: z = 1.68).
     */
    private static final int EVALUATION_IMAGES = 400;
    /** One-sided two-proportion z for p < 0.01: the rise must not be sampling noise. */
    private static final double Z_REQUIRED = 2.33;
    private static final Duration ROUND_TIMEOUT = Duration.ofMinutes(3);
    /** Both evaluations make the same requests: only the adapter differs. */
    private static final long EVALUATION_SEED = 1_000_000;
    private static final boolean REQUIRE_RISE = Boolean.parseBoolean(System.getProperty("papa.e2e.require-rise", "true"));

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES) // a hung stack must not hold CI until its own limit
    void aUsersFeedbackPersonalizesTheModelTheSamplerServes() throws IOException {
        long started = System.nanoTime();
        Path root = Path.of(System.getProperty("papa.repo.root", "..")).toAbsolutePath().normalize();
        Path baseModel = Path.of(System.getProperty("papa.e2e.base-model", root.resolve("models/mnist-base.ckpt").toString()));
        if (!Files.isRegularFile(baseModel)) {
            fail("base model " + baseModel + " is missing: the end-to-end test needs the shipped models/mnist-base.ckpt "
                    + "(or -Dpapa.e2e.base-model=PATH to another base-model checkpoint)");
        }
        LocalStack.Settings settings = new LocalStack.Settings(root, root.resolve("e2e/target/e2e-stack"), freePort(), baseModel,
                Map.of("PAPA_TRAINER_ROUND_SIZE", Integer.toString(ROUND_SIZE),
                        // a round whose feedback got lost still closes, and the test sees it
                        "PAPA_TRAINER_MAX_WAIT", "20s"),
                Duration.ofMinutes(3));
        try (OracleClassifier oracle = OracleClassifier.load(root.resolve("models/mnist-oracle.ckpt"));
             LocalStack stack = LocalStack.startFresh(settings)) {
            log("stack up in %.0f s (logs in %s)", seconds(started), stack.logDir());
            StackClient client = new StackClient();
            SimulatedClient user = new SimulatedClient(client, USER, new SimulatedUser(oracle, PREFERRED, FeedbackMode.BINARY));

            SimulatedClient.Round before = user.evaluate(EVALUATION_IMAGES, DDIM, EVALUATION_SEED);
            assertEquals(0, before.version(), "a new user starts on the base model");
            log("version 0: liked %.3f of %d images", before.likedShare(), EVALUATION_IMAGES);

            List<Long> published = playRounds(user, client);
            log("versions after each round: %s", published);
            assertTrue(published.size() >= ROUNDS / 2, "at most half of the rounds may be rejected as non-finite "
                    + "(this machine's vector units, README); published " + published);

            SimulatedClient.Round after = user.evaluate(EVALUATION_IMAGES, DDIM, EVALUATION_SEED);
            assertEquals(published.get(published.size() - 1), after.version(), "the sampler serves the last version");
            double z = zScore(before.likedShare(), after.likedShare(), EVALUATION_IMAGES);
            log("version %d: liked %.3f of the same %d requests' images (z = %.2f); test took %.0f s", after.version(),
                    after.likedShare(), EVALUATION_IMAGES, z, seconds(started));
            assertFalse(Arrays.deepEquals(before.pixels(), after.pixels()),
                    "the same request draws the same images at version " + after.version() + " as at version 0: the adapter is not applied");
            if (REQUIRE_RISE) {
                assertTrue(z >= Z_REQUIRED, String.format(Locale.ROOT,
                        "preference ratio did not rise clearly: %.3f at version 0, %.3f at version %d (z = %.2f < %.2f)",
                        before.likedShare(), after.likedShare(), after.version(), z, Z_REQUIRED));
            }
        }
    }

    /** Plays the rounds; returns the versions published, checking that each is served to the next round. */
    private static List<Long> playRounds(SimulatedClient user, StackClient client) {
        List<Long> published = new ArrayList<>();
        long served = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            long start = System.nanoTime();
            SimulatedClient.Round played = user.play(ROUND_SIZE, DDIM, round);
            assertEquals(served, played.version(), "round " + round + "'s images come from the version served");
            OptionalLong next = user.awaitNextVersion(served, ROUND_TIMEOUT);
            if (next.isPresent()) {
                assertEquals(served + 1, next.getAsLong(), "versions advance one per round");
                served = next.getAsLong();
                published.add(served);
                assertEquals(served, client.servedVersion(USER));
            }
            log("round %d: liked %.1f of version %d's images; now serving %d (%.1f s)%s", round, played.likedShare(),
                    played.version(), served, seconds(start), next.isPresent() ? "" : " - no version: update rejected");
        }
        return published;
    }

    /** Two-proportion z statistic of the rise from {@code p0} to {@code p1}, n images each. */
    static double zScore(double p0, double p1, int n) {
        double pooled = (p0 + p1) / 2;
        double se = Math.sqrt(pooled * (1 - pooled) * 2.0 / n);
        return se == 0 ? (p1 > p0 ? Double.POSITIVE_INFINITY : 0) : (p1 - p0) / se;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "e2e: " + format + "%n", args);
    }
}
