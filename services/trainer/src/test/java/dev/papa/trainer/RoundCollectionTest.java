package dev.papa.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.papa.kafka.local.KafkaBrokerExtension;
import dev.papa.kafka.local.LocalKafkaBroker;
import dev.papa.schemas.AdapterPublished;
import dev.papa.schemas.PapaSerdes;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A round closes at round-size examples, and a shorter one max-wait after its first example. */
class RoundCollectionTest {

    static {
        TrainerTests.quietKafkaLogs();
    }

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    @Test
    void roundClosesAtRoundSizeAndShortRoundAfterMaxWait() throws Exception {
        LocalKafkaBroker kafka = KAFKA.broker();
        TrainerTests.Topics topics = TrainerTests.Topics.create(kafka, "rounds", 2);
        Duration maxWait = Duration.ofSeconds(3);
        TrainerSettings settings = TrainerTests.settings(kafka, topics, "rounds").maxWait(maxWait).build();
        List<String> full = new ArrayList<>();
        List<String> shortRound = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = TrainerTests.producer(kafka)) {
            for (int i = 0; i < 7; i++) {
                full.add(send(producer, topics.preferences(), "fay", "fay-" + i, i));
            }
            for (int i = 0; i < 2; i++) {
                shortRound.add(send(producer, topics.preferences(), "sam", "sam-" + i, 100 + i));
            }
        }
        Instant sent = Instant.now();
        try (AdapterTrainer trainer = AdapterTrainer.create(TrainerTests.tinyBase(3), TrainerTests.LORA, TrainerTests.FAST);
             TrainingLoop loop = new TrainingLoop(settings, trainer, new SimpleMeterRegistry(), FaultHook.NONE)) {
            loop.start();
            TrainerTests.await("three versions", Duration.ofSeconds(600),
                    () -> TrainerTests.committedAdapters(kafka, topics.adapters()).size() >= 3);
        }
        List<AdapterPublished> adapters = TrainerTests.committedAdapters(kafka, topics.adapters());
        assertEquals(3, adapters.size());
        AdapterPublished fay1 = find(adapters, "fay", 1);
        AdapterPublished fay2 = find(adapters, "fay", 2);
        AdapterPublished sam1 = find(adapters, "sam", 1);
        // (A step the engine rejects as non-finite leaves its round for the dead-letter topic.)
        List<String> rejected = TrainerTests.rejectedIds(kafka, topics.deadLetter());
        assertEquals(withoutRejected(full.subList(0, 5), rejected), fay1.getAppliedFeedbackIds(),
                "a full round: the first five, in order");
        assertEquals(withoutRejected(full.subList(5, 7), rejected), fay2.getAppliedFeedbackIds(),
                "the rest waited for max-wait");
        assertEquals(withoutRejected(shortRound, rejected), sam1.getAppliedFeedbackIds());
        // The short rounds close max-wait after the trainer saw their first example, which was
        // after they were sent. (Only a lower bound: on a busy machine the updates take long.)
        Duration sentToShort = Duration.between(sent, sam1.getPublishedAt());
        Duration sentToRest = Duration.between(sent, fay2.getPublishedAt());
        Duration clockSlack = Duration.ofMillis(100);
        assertTrue(sentToShort.compareTo(maxWait.minus(clockSlack)) >= 0, "short round closed early: " + sentToShort);
        assertTrue(sentToRest.compareTo(maxWait.minus(clockSlack)) >= 0, "remainder closed early: " + sentToRest);
        assertEquals(7 - rejected.stream().filter(id -> id.startsWith("fay-")).count(), fay2.getFeedbackCount());
        assertEquals(likedShare(fay1.getAppliedFeedbackIds()), fay1.getMetrics().getLikedShare(), 1e-6);
    }

    private static List<String> withoutRejected(List<String> ids, List<String> rejected) {
        return ids.stream().filter(id -> !rejected.contains(id)).toList();
    }

    /** Examples i % 3 == 0 are disliked, others liked (see send). */
    private static float likedShare(List<String> ids) {
        long liked = ids.stream().filter(id -> Integer.parseInt(id.substring(id.indexOf('-') + 1)) % 3 != 0).count();
        return (float) liked / ids.size();
    }

    private static String send(KafkaProducer<String, byte[]> producer, String topic, String user, String id, int i) {
        producer.send(new ProducerRecord<>(topic, user, PapaSerdes.PREFERENCE_EXAMPLE.serialize(topic,
                TrainerTests.example(user, id, i % 3 == 0 ? -1f : 1f, i))));
        return id;
    }

    private static AdapterPublished find(List<AdapterPublished> adapters, String user, long version) {
        return adapters.stream().filter(a -> a.getUserId().equals(user) && a.getVersion() == version).findFirst()
                .orElseThrow(() -> new AssertionError("no " + user + " v" + version + " in " + adapters.size()));
    }
}
