package io.featurex.loadtest.load;

import io.featurex.loadtest.verify.Ledger;
import io.featurex.loadtest.verify.Timeline;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Produces the ImageRefs on schedule. Open loop: send {@code i} is due at
 * {@code start + schedule.offsetNanos(i)}; when the producer blocks, later sends go out late
 * but keep their scheduled time (as record timestamp and as the start of their latency), so the
 * backlog shows up in the latencies instead of being hidden (no coordinated omission). How late
 * the sends went out is recorded too: a generator that cannot keep up is reported, not ignored.
 */
public final class Sender {

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final RateSchedule schedule;
    private final long count;
    private final long durationNanos;
    private final ImageSource images;
    private final String idPrefix;
    private final Ledger ledger;
    private final Timeline timeline;
    private final RunClock clock;
    private final Histogram behindMs = new Histogram(3_600_000L, 3);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Throwable> crash = new AtomicReference<>();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private volatile boolean stopped;
    private volatile long lastSendNanos;

    /**
     * @param count         sends in all, or -1 for no limit
     * @param durationNanos sends due before this much time from the start, or -1 for no limit
     */
    public Sender(
            Producer<byte[], byte[]> producer,
            String topic,
            RateSchedule schedule,
            long count,
            long durationNanos,
            ImageSource images,
            String idPrefix,
            Ledger ledger,
            Timeline timeline,
            RunClock clock) {
        if (count < 0 && durationNanos < 0) {
            throw new IllegalArgumentException("a count or a duration is needed");
        }
        this.producer = producer;
        this.topic = topic;
        this.schedule = schedule;
        this.count = count;
        this.durationNanos = durationNanos;
        this.images = images;
        this.idPrefix = idPrefix;
        this.ledger = ledger;
        this.timeline = timeline;
        this.clock = clock;
    }

    /** The id of send {@code index}: the run's prefix and a zero-padded index (sorts in send order). */
    public static String id(String idPrefix, long index) {
        return idPrefix + String.format(Locale.ROOT, "%07d", index);
    }

    /**
     * Sends until the count or the duration is reached or {@link #stop()}; then flushes. A failure
     * of the sender itself is kept ({@link #crash()}) and fails the run: it must not end as a
     * shorter run that passes.
     */
    public void run() {
        try {
            send();
        } catch (RuntimeException | Error e) {
            crash.set(e);
            throw e;
        }
    }

    /** What stopped the sender before its end, or null. */
    public Throwable crash() {
        return crash.get();
    }

    private void send() {
        long start = clock.startNanos();
        for (long i = 0; !stopped && (count < 0 || i < count); i++) {
            long due = schedule.isOpenLoop() ? start + schedule.offsetNanos(i) : System.nanoTime();
            if (durationNanos >= 0 && due - start >= durationNanos) {
                break;
            }
            if (schedule.isOpenLoop()) {
                waitUntil(due);
                if (stopped) {
                    break;
                }
            }
            long dueEpochMicros = clock.epochMicros(due);
            long inputTimestampMs = Math.floorDiv(dueEpochMicros, 1000L);
            String id = id(idPrefix, i);
            byte[] value = images.ref(id, i, dueEpochMicros).toByteArray();
            ledger.expect(id, inputTimestampMs);
            producer.send(
                    new ProducerRecord<>(topic, null, inputTimestampMs, id.getBytes(StandardCharsets.UTF_8), value),
                    (metadata, exception) -> {
                        if (exception != null) {
                            failed.incrementAndGet();
                            firstFailure.compareAndSet(null, exception);
                            ledger.forget(id);
                        }
                    });
            long now = System.nanoTime();
            lastSendNanos = now;
            timeline.sent(clock.epochMillis(now));
            synchronized (behindMs) {
                behindMs.recordValue(Math.min(3_600_000L, Math.max(0, (now - due) / 1_000_000L)));
            }
            sent.incrementAndGet();
        }
        producer.flush();
    }

    private void waitUntil(long due) {
        long remaining;
        while (!stopped && (remaining = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
        }
    }

    public void stop() {
        stopped = true;
    }

    /** Sends handed to the producer (including failed ones). */
    public long sent() {
        return sent.get();
    }

    /** Sends the broker did not acknowledge. */
    public long failed() {
        return failed.get();
    }

    public Exception firstFailure() {
        return firstFailure.get();
    }

    /** {@link System#nanoTime()} of the last send (0 before the first). */
    public long lastSendNanos() {
        return lastSendNanos;
    }

    /** How far behind schedule the latest-going send went out, in ms (0 when as fast as possible). */
    public long maxBehindMs() {
        if (!schedule.isOpenLoop()) {
            return 0;
        }
        synchronized (behindMs) {
            return behindMs.getMaxValue();
        }
    }

    /** The 99th percentile of how far behind schedule sends went out, in ms. */
    public long p99BehindMs() {
        if (!schedule.isOpenLoop()) {
            return 0;
        }
        synchronized (behindMs) {
            return behindMs.getValueAtPercentile(99);
        }
    }
}
