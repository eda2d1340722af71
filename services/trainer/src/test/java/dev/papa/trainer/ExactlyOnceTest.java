package dev.papa.trainer;

import static dev.papa.trainer.TrainerTests.committedAdapters;
import static dev.papa.trainer.TrainerTests.committedOffset;
import static dev.papa.trainer.TrainerTests.produceInterleaved;
import static dev.papa.trainer.TrainerTests.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.kafka.local.KafkaBrokerExtension;
import dev.papa.kafka.local.LocalKafkaBroker;
import dev.papa.schemas.AdapterPublished;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The exactly-once guarantee with a real broker: three users' examples interleaved in one
 * partition, a trainer killed between an update and its commit (or stopped cleanly) and a new
 * trainer with the same transactional.id and group: every feedback id is applied in exactly one
 * committed version.
 */
class ExactlyOnceTest {

    static {
        TrainerTests.quietKafkaLogs();
    }

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    private static final List<String> USERS = List.of("ada", "bob", "cyd");
    private static Checkpoint base;
    private static AdapterTrainer trainer;

    @BeforeAll
    static void model() {
        base = TrainerTests.tinyBase(7);
        trainer = AdapterTrainer.create(base, TrainerTests.LORA, TrainerTests.FAST);
    }

    @AfterAll
    static void closeModel() {
        trainer.close();
    }

    @Test
    void trainerKilledBetweenUpdateAndCommitAppliesEveryFeedbackExactlyOnce() throws Exception {
        LocalKafkaBroker kafka = KAFKA.broker();
        TrainerTests.Topics topics = TrainerTests.Topics.create(kafka, "crash", 1);
        List<String> ids = produceInterleaved(kafka, topics.preferences(), USERS, 0, 25, "fb");
        TrainerSettings settings = TrainerTests.settings(kafka, topics, "crash").build();

        // Rounds go ada, bob, cyd, ada, bob…: the 5th (bob's 2nd) is killed after its adapter and
        // offsets are in the open transaction. The committed offset then stands at bob's first
        // unapplied example (16), below ada's high-water mark (28): the restart re-reads some of
        // ada's applied examples and must skip exactly those.
        AtomicInteger rounds = new AtomicInteger();
        FaultHook killFifth = new FaultHook() {
            @Override
            public void beforeCommit(String userId, long version) {
                if (rounds.incrementAndGet() == 5) {
                    throw new Kill("killed before committing " + userId + " v" + version);
                }
            }
        };
        TrainingLoop first = new TrainingLoop(settings, trainer, new SimpleMeterRegistry(), killFifth);
        first.start();
        assertTrue(first.awaitTermination(Duration.ofSeconds(180)), "the first trainer did not die: " + first.status());
        assertEquals(TrainingLoop.Status.KILLED, first.status());

        List<AdapterPublished> beforeRestart = committedAdapters(kafka, topics.adapters());
        assertEquals(4, beforeRestart.size(), "four rounds committed before the kill");
        assertEquals(5, readAll(kafka, topics.adapters(), "read_uncommitted").size(),
                "the killed round's adapter reached the log, in a transaction left open");
        assertEquals(16, committedOffset(kafka, settings.groupId(), topics.preferences(), 0));

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TrainingLoop second = new TrainingLoop(settings, trainer, registry, FaultHook.NONE)) {
            second.start();
            TrainerTests.await("all 75 feedbacks applied", Duration.ofSeconds(180), () -> done(kafka, topics, ids),
                    () -> TrainerTests.state(second, kafka, topics));
            TrainerTests.await("input offsets committed to the end", Duration.ofSeconds(30),
                    () -> committedOffset(kafka, settings.groupId(), topics.preferences(), 0) == ids.size());
            assertEquals(4.0, second.metrics().duplicates(),
                    "ada's examples 18, 21, 24, 27 were re-read and skipped");
        }

        List<AdapterPublished> adapters = committedAdapters(kafka, topics.adapters());
        assertExactlyOnce(ids, adapters, TrainerTests.rejectedIds(kafka, topics.deadLetter()));
        assertEquals(15, adapters.size(), "5 rounds of 5 per user");
        // The aborted version 2 of bob was redone once, by the new trainer.
        assertEquals(1, adapters.stream().filter(a -> a.getUserId().equals("bob") && a.getVersion() == 2).count());
    }

    @Test
    void cleanStopAndRestartAppliesEveryFeedbackExactlyOnce() throws Exception {
        LocalKafkaBroker kafka = KAFKA.broker();
        TrainerTests.Topics topics = TrainerTests.Topics.create(kafka, "restart", 1);
        TrainerSettings settings = TrainerTests.settings(kafka, topics, "restart").build();
        // 12 per user: two full rounds each, two examples each left pending at the stop.
        List<String> ids = new ArrayList<>(produceInterleaved(kafka, topics.preferences(), USERS, 0, 12, "fb"));
        try (TrainingLoop first = new TrainingLoop(settings, trainer, new SimpleMeterRegistry(), FaultHook.NONE)) {
            first.start();
            TrainerTests.await("six versions", Duration.ofSeconds(180),
                    () -> committedAdapters(kafka, topics.adapters()).size() >= 6, () -> TrainerTests.state(first, kafka, topics));
            TrainerTests.await("six pending examples", Duration.ofSeconds(30), () -> first.pendingExamples() == 6);
        }
        // The pending examples were dropped, not committed: the offset waits at the first of them.
        assertEquals(30, committedOffset(kafka, settings.groupId(), topics.preferences(), 0));

        ids.addAll(produceInterleaved(kafka, topics.preferences(), USERS, 12, 13, "fb"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TrainingLoop second = new TrainingLoop(settings, trainer, registry, FaultHook.NONE)) {
            second.start();
            TrainerTests.await("all 75 feedbacks applied", Duration.ofSeconds(180), () -> done(kafka, topics, ids),
                    () -> TrainerTests.state(second, kafka, topics));
            TrainerTests.await("state endpoint view", Duration.ofSeconds(10),
                    () -> second.user("ada").map(v -> v.version() == 5).orElse(false));
            UserView ada = second.user("ada").orElseThrow();
            // A step the engine rejects (non-finite on the random tiny model) is dead-lettered, not counted.
            long adaRejected = TrainerTests.rejectedIds(kafka, topics.deadLetter()).stream()
                    .filter(id -> id.startsWith("fb-ada-")).count();
            assertEquals(25, ada.feedbackCount() + adaRejected);
            assertEquals(0, ada.pending());
        }
        assertExactlyOnce(ids, committedAdapters(kafka, topics.adapters()),
                TrainerTests.rejectedIds(kafka, topics.deadLetter()));
    }

    /** Every feedback accounted for: applied in a committed version, or dead-lettered as rejected. */
    private static boolean done(LocalKafkaBroker kafka, TrainerTests.Topics topics, List<String> ids) {
        int applied = committedAdapters(kafka, topics.adapters()).stream()
                .mapToInt(a -> a.getAppliedFeedbackIds().size()).sum();
        return applied + TrainerTests.rejectedIds(kafka, topics.deadLetter()).size() >= ids.size();
    }

    /**
     * Every id in exactly one committed version (or, if the engine rejected its step as
     * non-finite, in exactly one dead letter and no version); per user versions 1, 2, 3… without
     * gaps or repeats; each version's feedbackCount is the running total; high-water marks increase.
     */
    static void assertExactlyOnce(List<String> ids, List<AdapterPublished> adapters, List<String> rejected) {
        Map<String, Long> counts = java.util.stream.Stream.concat(
                        adapters.stream().flatMap(a -> a.getAppliedFeedbackIds().stream()), rejected.stream())
                .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
        Map<String, Long> expected = ids.stream()
                .collect(Collectors.toMap(Function.identity(), id -> 1L, (a, b) -> a + b, TreeMap::new));
        assertEquals(expected, counts, "each feedback id applied exactly once (rejected: " + rejected + ")");

        Map<String, List<AdapterPublished>> byUser = adapters.stream()
                .collect(Collectors.groupingBy(AdapterPublished::getUserId, HashMap::new, Collectors.toList()));
        byUser.forEach((user, versions) -> {
            long total = 0;
            long highWater = -1;
            for (int i = 0; i < versions.size(); i++) {
                AdapterPublished a = versions.get(i);
                assertEquals(i + 1, a.getVersion(), user + ": versions 1, 2, 3… in order, no gaps");
                total += a.getAppliedFeedbackIds().size();
                assertTrue(a.getAppliedFeedbackIds().size() <= 5, "at most a round");
                assertEquals(total, a.getFeedbackCount(), user + " v" + a.getVersion() + ": lifetime feedback count");
                long mark = a.getInputOffsets().get(0).getOffset();
                assertTrue(mark > highWater, user + ": high-water marks increase");
                highWater = mark;
                assertEquals(a.getBaseModel(), base.id());
            }
        });
    }
}
