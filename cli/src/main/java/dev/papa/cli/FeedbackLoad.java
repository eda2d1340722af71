package dev.papa.cli;

import dev.papa.cli.stack.StackClient;
import dev.papa.kafka.local.PapaTopics;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Feedback accepted per second over HTTP into Kafka: {@code clients} threads, each sending its next
 * request when the last one was answered (a 202 means Kafka acknowledged the record). Every request
 * re-sends the like of one of a few real images under that image's fixed feedback id, as a retrying
 * client would: the intake writes each to papa.feedback, while the join applies each id once, so the
 * trainer does not get thousands of updates to compute in the middle of the measurement.
 */
final class FeedbackLoad {

    /** What the load achieved, and the average size (key + value) of the records it wrote. */
    record Result(long accepted, long refused, double seconds, long recordsWritten, double recordBytes) {
        double acceptedPerSecond() {
            return accepted / seconds;
        }
    }

    private FeedbackLoad() {}

    static Result run(StackClient client, String bootstrapServers, String userId, List<StackClient.GeneratedImage> images,
                      int requests, int clients) throws InterruptedException {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(PapaTopics.FEEDBACK).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            Map<TopicPartition, Long> before = consumer.endOffsets(partitions);
            AtomicLong next = new AtomicLong();
            AtomicLong accepted = new AtomicLong();
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try (ProgressBar bar = Progress.bar("feedback over HTTP", requests)) {
                for (int c = 0; c < clients; c++) {
                    pool.execute(() -> {
                        for (long i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                            StackClient.GeneratedImage image = images.get((int) (i % images.size()));
                            if (client.retryLike(userId, image, "bench-" + image.id())) {
                                accepted.incrementAndGet();
                            }
                            bar.step();
                        }
                    });
                }
                pool.shutdown();
                if (!pool.awaitTermination(30, TimeUnit.MINUTES)) {
                    pool.shutdownNow();
                    throw new IllegalStateException("the feedback load did not finish within 30 minutes");
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] written = recordSizes(consumer, before);
            return new Result(accepted.get(), requests - accepted.get(), seconds, written[0],
                    written[0] == 0 ? 0 : (double) written[1] / written[0]);
        }
    }

    /** Count and total bytes (key + value) of the records written after {@code from}. */
    private static long[] recordSizes(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> from) {
        Map<TopicPartition, Long> to = consumer.endOffsets(from.keySet());
        consumer.assign(from.keySet());
        from.forEach(consumer::seek);
        long count = 0;
        long bytes = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (from.keySet().stream().anyMatch(tp -> consumer.position(tp) < to.get(tp)) && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                if (record.offset() < to.get(new TopicPartition(record.topic(), record.partition()))) {
                    count++;
                    bytes += Math.max(0, record.serializedKeySize()) + Math.max(0, record.serializedValueSize());
                }
            }
        }
        return new long[] {count, bytes};
    }
}
