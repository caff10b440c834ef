package io.featurex.worker.source;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Which input partitions to pause and resume, as a pure function of what each holds open: once
 * the worker holds {@code maxInFlight} images, the partitions over their share (the bound split
 * evenly over the assigned partitions) pause, as Kafka Streams pauses a partition whose buffer is
 * full, while the others keep flowing; a paused partition resumes once it is back under half its
 * share or the worker under three quarters of the bound. The consumer keeps polling throughout,
 * so a slow model never causes a rebalance.
 */
public final class Backpressure {

    /** @param pause newly to pause; {@code resume} newly to resume */
    public record Decision(Set<TopicPartition> pause, Set<TopicPartition> resume) {}

    private final int maxInFlight;

    public Backpressure(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
    }

    /**
     * @param images images open per assigned partition
     * @param paused partitions paused now
     */
    public Decision decide(Map<TopicPartition, Integer> images, Set<TopicPartition> paused) {
        int total = images.values().stream().mapToInt(Integer::intValue).sum();
        int share = Math.max(1, maxInFlight / Math.max(1, images.size()));
        Set<TopicPartition> pause = new HashSet<>();
        Set<TopicPartition> resume = new HashSet<>();
        for (Map.Entry<TopicPartition, Integer> e : images.entrySet()) {
            boolean isPaused = paused.contains(e.getKey());
            if (!isPaused && total >= maxInFlight && e.getValue() >= share) {
                pause.add(e.getKey());
            } else if (isPaused && (e.getValue() < share / 2 || total <= maxInFlight * 3L / 4)) {
                resume.add(e.getKey());
            }
        }
        return new Decision(pause, resume);
    }
}
