package dev.papa.trainer;

import dev.papa.schemas.AdapterPublished;
import dev.papa.schemas.PartitionOffset;
import dev.papa.schemas.PreferenceExample;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;

/**
 * One user's state inside the training loop (loop thread only): the latest committed version
 * with its adapter and optimizer bytes, the user's high-water mark on papa.preferences, and the
 * examples buffered for the next round, in offset order.
 */
final class UserState {

    /** Feedback ids remembered per user to drop an upstream duplicate that arrives at a new offset. */
    private static final int RECENT_IDS = 1_000;

    /** A buffered example: its offset, the record, and when this trainer received it. */
    record Pending(long offset, PreferenceExample example, long receivedNanos) {
    }

    final String userId;
    final TopicPartition partition;
    long version;
    long feedbackCount;
    /** Next offset after the last example applied to this user (0: nothing applied). */
    long highWater;
    byte[] adapter;
    byte[] optimizerState;
    Instant publishedAt;
    double lastLoss = Double.NaN;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Set<String> pendingIds = new HashSet<>();
    private final LinkedHashSet<String> recentIds = new LinkedHashSet<>();

    UserState(String userId, TopicPartition partition) {
        this.userId = userId;
        this.partition = partition;
    }

    /** The state as published in the user's latest committed version. */
    static UserState fromPublished(AdapterPublished record, TopicPartition partition) {
        UserState s = new UserState(record.getUserId(), partition);
        s.version = record.getVersion();
        s.feedbackCount = record.getFeedbackCount();
        s.highWater = highWaterOf(record, partition);
        s.adapter = bytes(record.getAdapter());
        s.optimizerState = record.getOptimizerState() == null ? null : bytes(record.getOptimizerState());
        s.publishedAt = record.getPublishedAt();
        s.lastLoss = record.getMetrics().getLoss();
        s.rememberApplied(record.getAppliedFeedbackIds());
        return s;
    }

    static long highWaterOf(AdapterPublished record, TopicPartition partition) {
        for (PartitionOffset o : record.getInputOffsets()) {
            if (o.getTopic().equals(partition.topic()) && o.getPartition() == partition.partition()) {
                return o.getOffset();
            }
        }
        return 0;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    boolean knows(String feedbackId) {
        return pendingIds.contains(feedbackId) || recentIds.contains(feedbackId);
    }

    void add(Pending p) {
        pending.addLast(p);
        pendingIds.add(p.example().getFeedbackId());
    }

    int pendingCount() {
        return pending.size();
    }

    /** Offset of the earliest buffered example, or -1. */
    long firstPendingOffset() {
        Pending p = pending.peekFirst();
        return p == null ? -1 : p.offset();
    }

    /** Receive time of the earliest buffered example: the current round's first example. */
    long roundStartedNanos() {
        Pending p = pending.peekFirst();
        return p == null ? Long.MAX_VALUE : p.receivedNanos();
    }

    /** The next round's examples (at most {@code size}), still buffered. */
    List<Pending> peekRound(int size) {
        List<Pending> round = new ArrayList<>(Math.min(size, pending.size()));
        Iterator<Pending> it = pending.iterator();
        while (it.hasNext() && round.size() < size) {
            round.add(it.next());
        }
        return round;
    }

    /** Removes the first {@code count} buffered examples (a round that is being committed). */
    void removeRound(int count) {
        for (int i = 0; i < count; i++) {
            pendingIds.remove(pending.removeFirst().example().getFeedbackId());
        }
    }

    void rememberApplied(List<String> ids) {
        for (String id : ids) {
            recentIds.remove(id);
            recentIds.add(id);
        }
        Iterator<String> it = recentIds.iterator();
        while (recentIds.size() > RECENT_IDS && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    UserView view() {
        return new UserView(userId, partition.partition(), version, feedbackCount, pending.size(), highWater,
                publishedAt, lastLoss);
    }
}
