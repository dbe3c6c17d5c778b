package dev.berth.oci;

import java.util.BitSet;
import java.util.Optional;

/** The kernel's list format of CPUs and memory nodes, {@code 0-3,5,7-8}. Stateless. */
final class CpuList {

    /** Larger than any kernel's NR_CPUS: a number beyond it names no CPU of any node. */
    private static final int LIMIT = 1 << 16;

    private CpuList() {
    }

    /** Whether every CPU (or node) of {@code list} is in {@code available}; false when either is malformed. */
    static boolean within(String list, String available) {
        Optional<BitSet> wanted = parse(list);
        Optional<BitSet> have = parse(available);
        if (wanted.isEmpty() || have.isEmpty()) {
            return false;
        }
        BitSet outside = (BitSet) wanted.get().clone();
        outside.andNot(have.get());
        return outside.isEmpty();
    }

    static Optional<BitSet> parse(String list) {
        BitSet set = new BitSet();
        for (String part : list.strip().split(",", -1)) {
            String[] bounds = part.split("-", -1);
            if (bounds.length > 2) {
                return Optional.empty();
            }
            Optional<Integer> low = number(bounds[0]);
            Optional<Integer> high = bounds.length == 2 ? number(bounds[1]) : low;
            if (low.isEmpty() || high.isEmpty() || low.get() > high.get()) {
                return Optional.empty();
            }
            set.set(low.get(), high.get() + 1);
        }
        return Optional.of(set);
    }

    private static Optional<Integer> number(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        int n = Integer.parseInt(text);
        return n < LIMIT ? Optional.of(n) : Optional.empty();
    }
}
