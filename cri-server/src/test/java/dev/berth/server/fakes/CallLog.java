package dev.berth.server.fakes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The calls made on a set of fakes, in the order they were made, so that tests can check ordering across
 * subsystems (containers stop before CNI DEL, CNI DEL before the namespaces go). A call reads like
 * {@code runtime.stopSandbox(<id>)}; the prefix names the fake ({@code runtime}, {@code network},
 * {@code images}). Thread-safe.
 */
public final class CallLog {

    /** One call: the qualified method name, its arguments rendered as text, and whether it only reads. */
    public record Call(String method, List<String> args, boolean query) {
        @Override
        public String toString() {
            return method + "(" + String.join(", ", args) + ")";
        }
    }

    private final List<Call> calls = new ArrayList<>();

    synchronized void record(String method, boolean query, Object... args) {
        calls.add(new Call(method, Arrays.stream(args).map(String::valueOf).toList(), query));
    }

    /** Every call, reads included. */
    public synchronized List<String> all() {
        return calls.stream().map(Call::toString).toList();
    }

    /** The calls that change state, with their arguments. */
    public synchronized List<String> mutations() {
        return mutationStream().map(Call::toString).toList();
    }

    /** The names of the calls that change state, without arguments. */
    public synchronized List<String> mutatingMethods() {
        return mutationStream().map(Call::method).toList();
    }

    /** Forgets every call so far, e.g. after a test has seeded state through the interfaces. */
    public synchronized void clear() {
        calls.clear();
    }

    private Stream<Call> mutationStream() {
        return calls.stream().filter(c -> !c.query());
    }
}
