package dev.papa.trainer;

import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.checkpoint.Tensors;
import dev.papa.engine.model.LoraSpec;
import dev.papa.engine.model.UNetConfig;
import dev.papa.engine.model.UNetModel;
import dev.papa.engine.papa.PapaSettings;
import dev.papa.kafka.local.LocalKafkaBroker;
import dev.papa.kafka.local.PapaTopics;
import dev.papa.schemas.AdapterPublished;
import dev.papa.schemas.FeedbackKind;
import dev.papa.schemas.PapaSerdes;
import dev.papa.schemas.PreferenceExample;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Shared helpers of the trainer's tests: a tiny model, topics, examples, reading results. */
final class TrainerTests {

    static final LoraSpec LORA = new LoraSpec(4, 4f);
    /** Fast PAPA for tests: 4 sampled timesteps per image. */
    static final PapaSettings FAST = PapaSettings.loraDefaults().withSampledTimesteps(4);

    private TrainerTests() {
    }

    /** Strong references: java.util.logging keeps loggers weakly. */
    private static final List<java.util.logging.Logger> QUIET = new ArrayList<>();

    /** Kafka (broker and clients) at WARNING in plain JUnit tests; call from a static initializer. */
    static synchronized void quietKafkaLogs() {
        if (QUIET.isEmpty()) {
            for (String name : List.of("kafka", "org.apache.kafka", "state.change.logger", "ai.djl")) {
                java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
                logger.setLevel(java.util.logging.Level.WARNING);
                QUIET.add(logger);
            }
        }
    }

    /** A tiny UNet with random weights (zero-initialized layers perturbed, so every path matters). */
    static Checkpoint tinyBase(long seed) {
        try (UNetModel model = new UNetModel(UNetConfig.tiny(), LoraSpec.NONE)) {
            Tensors weights = new Tensors();
            SplittableRandom random = new SplittableRandom(seed);
            model.baseWeights().asMap().forEach((name, t) -> {
                float[] v = new float[t.values().length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = name.endsWith("gamma") ? 1f : (float) (random.nextGaussian() * 0.1);
                }
                weights.put(name, new Tensors.Tensor(t.shape(), v));
            });
            model.loadBaseWeights(weights);
            return model.toBaseCheckpoint(Map.of("test.seed", Long.toString(seed)));
        }
    }

    /** Per-test topic names, so tests sharing a broker do not see each other's records. */
    record Topics(String preferences, String adapters, String deadLetter) {

        static Topics create(LocalKafkaBroker kafka, String name, int partitions) {
            String suffix = name + "-" + UUID.randomUUID().toString().substring(0, 8);
            Topics t = new Topics("prefs-" + suffix, "adapters-" + suffix, "dlq-" + suffix);
            kafka.createTopics(List.of(
                    new NewTopic(t.preferences, partitions, (short) 1),
                    new NewTopic(t.adapters, partitions, (short) 1).configs(PapaTopics.topicConfig(PapaTopics.ADAPTERS)),
                    new NewTopic(t.deadLetter, partitions, (short) 1)));
            return t;
        }
    }

    static TrainerSettings.Builder settings(LocalKafkaBroker kafka, Topics topics, String name) {
        return TrainerSettings.builder(kafka.bootstrapServers())
                .topics(topics.preferences(), topics.adapters(), topics.deadLetter())
                .groupId("group-" + name)
                .transactionalId("trainer-" + name)
                .roundSize(5)
                .maxWait(Duration.ofSeconds(60))
                .papa(FAST)
                .pollTimeout(Duration.ofMillis(100))
                .commitInterval(Duration.ofMillis(200))
                .rebuildTimeout(Duration.ofSeconds(60))
                .transactionTimeout(Duration.ofSeconds(30));
    }

    static PreferenceExample example(String userId, String feedbackId, float value, long seed) {
        byte[] pixels = new byte[28 * 28];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) random.nextInt(256);
        }
        return PreferenceExample.newBuilder()
                .setFeedbackId(feedbackId)
                .setUserId(userId)
                .setImageId("img-" + feedbackId)
                .setValue(value)
                .setKind(value > 0 ? FeedbackKind.LIKE : FeedbackKind.DISLIKE)
                .setWidth(28)
                .setHeight(28)
                .setPixels(ByteBuffer.wrap(pixels))
                .setAdapterVersion(0)
                .setGivenAt(Instant.ofEpochMilli(1_700_000_000_000L + seed))
                .build();
    }

    static KafkaProducer<String, byte[]> producer(LocalKafkaBroker kafka) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(c, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Sends {@code perUser} examples for each user, interleaved user by user (u0, u1, u2, u0, …),
     * with feedback ids {@code prefix-user-i} for i from {@code from}; returns the ids in order.
     */
    static List<String> produceInterleaved(LocalKafkaBroker kafka, String topic, List<String> users, int from,
                                           int perUser, String prefix) {
        List<String> ids = new ArrayList<>();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
            for (int i = from; i < from + perUser; i++) {
                for (int u = 0; u < users.size(); u++) {
                    String id = prefix + "-" + users.get(u) + "-" + i;
                    PreferenceExample e = example(users.get(u), id, (i + u) % 3 == 0 ? -1f : 1f, i * 31L + u);
                    sent.add(producer.send(new ProducerRecord<>(topic, users.get(u),
                            PapaSerdes.PREFERENCE_EXAMPLE.serialize(topic, e))));
                    ids.add(id);
                }
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get(); // a lost example would leave the test waiting for it
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("could not produce the examples to " + topic, e);
        }
        return ids;
    }

    /** Every record of a topic, up to its end, with the given isolation level. */
    static List<ConsumerRecord<String, byte[]>> readAll(LocalKafkaBroker kafka, String topic, String isolation) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }

    /** The committed AdapterPublished records of a topic, in log order. */
    static List<AdapterPublished> committedAdapters(LocalKafkaBroker kafka, String topic) {
        return readAll(kafka, topic, "read_committed").stream()
                .map(r -> PapaSerdes.ADAPTER_PUBLISHED.deserialize(topic, r.value())).toList();
    }

    /** Feedback ids of the committed dead letters whose step the engine rejected (non-finite). */
    static List<String> rejectedIds(LocalKafkaBroker kafka, String deadLetterTopic) {
        return readAll(kafka, deadLetterTopic, "read_committed").stream()
                .filter(r -> new String(r.headers().lastHeader(TrainingLoop.DLQ_REASON).value(),
                        java.nio.charset.StandardCharsets.UTF_8).contains("rejected"))
                .map(r -> PapaSerdes.PREFERENCE_EXAMPLE.deserialize(deadLetterTopic, r.value()).getFeedbackId())
                .toList();
    }

    static long committedOffset(LocalKafkaBroker kafka, String group, String topic, int partition) {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata o = offsets.get(new TopicPartition(topic, partition));
            return o == null ? -1 : o.offset();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    static long adamSteps(AdapterPublished a) {
        ByteBuffer b = a.getOptimizerState().duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return Long.parseLong(Checkpoint.fromBytes(bytes).properties().get("adam.steps"));
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        await(what, timeout, condition, () -> "");
    }

    /** Like {@link #await(String, Duration, BooleanSupplier)}; a timeout also reports {@code state}. */
    static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<String> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + state.get());
            }
            Thread.sleep(100);
        }
    }

    /** Where a loop and its topics stand, for a timeout's message. */
    static String state(TrainingLoop loop, LocalKafkaBroker kafka, Topics topics) {
        return "; trainer " + loop.status() + " (last error: " + loop.lastError() + ", pending " + loop.pendingExamples()
                + ", lag " + loop.consumerLag() + ", partitions " + loop.assignedPartitions() + "); committed versions "
                + committedAdapters(kafka, topics.adapters()).size() + " of "
                + readAll(kafka, topics.adapters(), "read_uncommitted").size() + " adapter records; dead letters "
                + readAll(kafka, topics.deadLetter(), "read_committed").size() + "; group offset "
                + committedOffset(kafka, loop.settings().groupId(), topics.preferences(), 0);
    }
}
