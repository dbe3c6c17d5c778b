package dev.berth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SamplesTest {

    @Test
    void millis_tenSamples_nearestRank() {
        Samples samples = new Samples();
        for (int i = 10; i >= 1; i--) {
            samples.add("pod/RunPodSandbox", i * 1_000_000L);
        }

        assertThat(samples.millis("pod/RunPodSandbox", 50)).isEqualTo(5.0);
        assertThat(samples.millis("pod/RunPodSandbox", 90)).isEqualTo(9.0);
        assertThat(samples.millis("pod/RunPodSandbox", 99)).isEqualTo(10.0);
        assertThat(samples.count("pod/RunPodSandbox")).isEqualTo(10);
    }

    @Test
    void millis_oneSample_isThatSample() {
        Samples samples = new Samples();
        samples.add("list/ListContainers", 2_500_000L);

        assertThat(samples.millis("list/ListContainers", 50)).isEqualTo(2.5);
        assertThat(samples.millis("list/ListContainers", 99)).isEqualTo(2.5);
    }

    @Test
    void millis_unknownOperation_isNaN() {
        assertThat(new Samples().millis("image/PullImage", 50)).isNaN();
    }

    @Test
    void operations_keepTheOrderFirstSeen() {
        Samples samples = new Samples();
        samples.add("pod/RunPodSandbox", 1);
        samples.add("pod/StopPodSandbox", 1);
        samples.add("pod/RunPodSandbox", 1);

        assertThat(samples.operations()).containsExactly("pod/RunPodSandbox", "pod/StopPodSandbox");
    }
}
