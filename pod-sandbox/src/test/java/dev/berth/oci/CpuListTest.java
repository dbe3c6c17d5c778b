package dev.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class CpuListTest {

    @Test
    void parse_rangesAndSingles_setEach() {
        BitSet expected = new BitSet();
        expected.set(0, 4);
        expected.set(5);
        expected.set(7, 9);

        assertThat(CpuList.parse("0-3,5,7-8")).contains(expected);
    }

    @Test
    void parse_malformedOrBeyondAnyKernel_empty() {
        for (String bad : new String[] {"", "3-1", "1,", "-1", "0-", "a", "1-2-3", "99999999999999999999", "65536"}) {
            assertThat(CpuList.parse(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void within_subsetOrNot() {
        assertThat(CpuList.within("1", "0-1")).isTrue();
        assertThat(CpuList.within("0-1", "0-1")).isTrue();
        assertThat(CpuList.within("2", "0-1")).isFalse();
        assertThat(CpuList.within("0,4", "0-3")).isFalse();
        assertThat(CpuList.within("99999999999999999999", "0-1")).isFalse();
    }
}
