package io.featurex.loadtest.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineTest {

    @Test
    void sendsPastTheFirstBucketsGrowTheTimelineInsteadOfFailing() {
        // Found by the fault run: the 65th second's first send threw, the sender thread died,
        // and a 2,400-ref run ended after 512 as if that were all.
        Timeline timeline = new Timeline(0, 1000);
        for (long second = 0; second < 200; second++) {
            timeline.sent(second * 1000 + 500);
        }
        timeline.completed(199_900, 10, false, 0);
        List<Timeline.Bucket> buckets = timeline.buckets();
        assertThat(buckets).hasSize(200);
        assertThat(buckets.get(64).sentPerSecond()).isEqualTo(1.0);
        assertThat(buckets.get(199).sentPerSecond()).isEqualTo(1.0);
    }
}
