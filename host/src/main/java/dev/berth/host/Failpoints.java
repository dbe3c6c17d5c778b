package dev.berth.host;

/**
 * Named points in Berth's multi-step operations where a test can make the daemon die at once, as {@code kill -9}
 * or a power cut would, to prove that a restart finds everything either complete or gone. The point is chosen by
 * the environment variable {@code BERTH_FAILPOINT} of the daemon's process, holding a {@link Step} name (test-only;
 * unset, every call is one comparison with null). Thread-safe.
 */
public final class Failpoints {

    /** The environment variable naming the active failpoint. */
    public static final String VARIABLE = "BERTH_FAILPOINT";
    private static final String ACTIVE = System.getenv(VARIABLE);
    /** The exit status of a halt, as a process killed by SIGKILL reports. */
    public static final int STATUS = 137;

    /** Every failpoint, by the CRI call it interrupts and what that call has done when it dies there. */
    public enum Step {
        RUN_POD_DIRECTORY("RunPodSandbox", "the pod's directory and files are written"),
        RUN_POD_SHM("RunPodSandbox", "its /dev/shm is mounted"),
        RUN_POD_CGROUP("RunPodSandbox", "its cgroup is created"),
        RUN_POD_NAMESPACES("RunPodSandbox", "its namespaces are pinned"),
        RUN_POD_INFRA("RunPodSandbox", "its infra container runs"),
        RUN_POD_RECORD("RunPodSandbox", "its record is written"),
        RUN_POD_NETWORK("RunPodSandbox", "CNI ADD has attached it"),
        CREATE_CONTAINER_ROOTFS("CreateContainer", "the rootfs is mounted"),
        CREATE_CONTAINER_BUNDLE("CreateContainer", "the bundle is written"),
        CREATE_CONTAINER_CREATED("CreateContainer", "runc has created it under conmon"),
        CREATE_CONTAINER_RECORD("CreateContainer", "its record is written"),
        START_CONTAINER_STARTED("StartContainer", "runc start has run"),
        STOP_POD_CONTAINERS("StopPodSandbox", "its containers are stopped"),
        STOP_POD_NETWORK("StopPodSandbox", "CNI DEL has detached it"),
        REMOVE_POD_CONTAINERS("RemovePodSandbox", "its containers are removed"),
        REMOVE_POD_FILES("RemovePodSandbox", "its directory and cgroup are gone, the record not yet"),
        PULL_BLOB("PullImage", "a layer's blob is downloaded, not yet unpacked"),
        PULL_LAYERS("PullImage", "every layer is unpacked, the image not yet recorded");

        private final String call;
        private final String done;

        Step(String call, String done) {
            this.call = call;
            this.done = done;
        }

        /** The CRI call the step belongs to, e.g. {@code RunPodSandbox}. */
        public String call() {
            return call;
        }

        /** What is done when the daemon dies at this step. */
        public String done() {
            return done;
        }
    }

    private Failpoints() {
    }

    /** Halts the daemon, running no shutdown hook or finally block, when {@code step} is the active point. */
    public static void reached(Step step) {
        if (ACTIVE != null && step.name().equals(ACTIVE)) {
            System.err.println("berth: failpoint " + step + " reached: halting");
            System.err.flush();
            Runtime.getRuntime().halt(STATUS);
        }
    }
}
