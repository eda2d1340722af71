package dev.papa.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.papa.kafka.local.KafkaBrokerExtension;
import dev.papa.kafka.local.LocalKafkaBroker;
import dev.papa.schemas.AdapterPublished;
import dev.papa.schemas.PapaSerdes;
import dev.papa.schemas.PreferenceExample;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Records the trainer cannot train on go to papa.deadletter with a reason; the loop goes on. */
class DeadLetterTest {

    static {
        TrainerTests.quietKafkaLogs();
    }

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    @Test
    void badRecordsAreDeadLetteredAndTheirOffsetsCommitted() throws Exception {
        LocalKafkaBroker kafka = KAFKA.broker();
        TrainerTests.Topics topics = TrainerTests.Topics.create(kafka, "dlq", 1);
        TrainerSettings settings = TrainerTests.settings(kafka, topics, "dlq").build();
        String in = topics.preferences();
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        PreferenceExample wrongSize = TrainerTests.example("zed", "bad-size", 1f, 99);
        wrongSize.setPixels(ByteBuffer.wrap(new byte[100]));
        try (KafkaProducer<String, byte[]> producer = TrainerTests.producer(kafka)) {
            producer.send(new ProducerRecord<>(in, "zed", garbage));
            for (int i = 0; i < 5; i++) {
                PreferenceExample e = TrainerTests.example("zed", "ok-" + i, 1f, i);
                producer.send(new ProducerRecord<>(in, "zed", PapaSerdes.PREFERENCE_EXAMPLE.serialize(in, e)));
                if (i == 2) {
                    PreferenceExample other = TrainerTests.example("zed", "wrong-key", 1f, 50);
                    producer.send(new ProducerRecord<>(in, "someone-else", PapaSerdes.PREFERENCE_EXAMPLE.serialize(in, other)));
                    producer.send(new ProducerRecord<>(in, "zed", PapaSerdes.PREFERENCE_EXAMPLE.serialize(in, wrongSize)));
                }
            }
        }
        try (AdapterTrainer trainer = AdapterTrainer.create(TrainerTests.tinyBase(5), TrainerTests.LORA, TrainerTests.FAST);
             TrainingLoop loop = new TrainingLoop(settings, trainer, new SimpleMeterRegistry(), FaultHook.NONE)) {
            loop.start();
            TrainerTests.await("version 1", Duration.ofSeconds(600),
                    () -> !TrainerTests.committedAdapters(kafka, topics.adapters()).isEmpty());
            TrainerTests.await("offsets committed past every record", Duration.ofSeconds(60),
                    () -> TrainerTests.committedOffset(kafka, settings.groupId(), in, 0) == 8);
        }
        List<AdapterPublished> adapters = TrainerTests.committedAdapters(kafka, topics.adapters());
        assertEquals(1, adapters.size());
        // (a step the engine rejects as non-finite is dead-lettered instead of applied)
        List<String> rejected = TrainerTests.rejectedIds(kafka, topics.deadLetter());
        assertEquals(List.of("ok-0", "ok-1", "ok-2", "ok-3", "ok-4").stream().filter(id -> !rejected.contains(id)).toList(),
                adapters.get(0).getAppliedFeedbackIds());

        List<ConsumerRecord<String, byte[]>> dead = TrainerTests.readAll(kafka, topics.deadLetter(), "read_committed")
                .stream().filter(r -> !reason(r).contains("rejected")).toList();
        assertEquals(3, dead.size());
        assertTrue(reason(dead.get(0)).startsWith("undecodable PreferenceExample"), reason(dead.get(0)));
        assertEquals("zed", dead.get(0).key());
        assertEquals(ByteBuffer.wrap(garbage), ByteBuffer.wrap(dead.get(0).value()), "original bytes kept");
        assertTrue(reason(dead.get(1)).contains("is not the example's userId"), reason(dead.get(1)));
        assertEquals("someone-else", dead.get(1).key());
        assertTrue(reason(dead.get(2)).contains("pixel bytes"), reason(dead.get(2)));
        for (ConsumerRecord<String, byte[]> r : dead) {
            assertEquals(in, header(r, TrainingLoop.DLQ_SOURCE_TOPIC));
            assertEquals("trainer", header(r, TrainingLoop.DLQ_SERVICE));
        }
        assertEquals("0", header(dead.get(0), TrainingLoop.DLQ_SOURCE_OFFSET));
    }

    @Test
    void roundWhoseStepsAreAllRejectedPublishesNothingAndDeadLettersItsExamples() throws Exception {
        LocalKafkaBroker kafka = KAFKA.broker();
        TrainerTests.Topics topics = TrainerTests.Topics.create(kafka, "rejected", 1);
        // A learning rate that overflows float: every Adam step would make the weights non-finite.
        TrainerSettings settings = TrainerTests.settings(kafka, topics, "rejected")
                .papa(TrainerTests.FAST.withLearningRate(1e39)).build();
        List<String> ids = TrainerTests.produceInterleaved(kafka, topics.preferences(), List.of("rex"), 0, 5, "fb");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (AdapterTrainer trainer = AdapterTrainer.create(TrainerTests.tinyBase(5), TrainerTests.LORA, settings.papa());
             TrainingLoop loop = new TrainingLoop(settings, trainer, registry, FaultHook.NONE)) {
            loop.start();
            TrainerTests.await("offsets committed", Duration.ofSeconds(600),
                    () -> TrainerTests.committedOffset(kafka, settings.groupId(), topics.preferences(), 0) == 5);
            assertEquals(0, loop.user("rex").orElseThrow().version());
        }
        assertEquals(ids, TrainerTests.rejectedIds(kafka, topics.deadLetter()));
        assertTrue(TrainerTests.committedAdapters(kafka, topics.adapters()).isEmpty());
        assertEquals(5.0, registry.get("papa.trainer.updates.rejected").counter().count());
        assertEquals(0.0, registry.get("papa.trainer.updates.applied").counter().count());
    }

    private static String reason(ConsumerRecord<String, byte[]> r) {
        return header(r, TrainingLoop.DLQ_REASON);
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
