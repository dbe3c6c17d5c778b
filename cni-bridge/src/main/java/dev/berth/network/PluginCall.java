package dev.berth.network;

/**
 * One invocation of a CNI plugin: the environment parameters of the CNI execution protocol plus the config
 * written to its stdin. Strings are never null; {@code netns} is empty when there is none.
 */
record PluginCall(String command, String pluginType, String containerId, String netns, String ifName,
                  String cniArgs, String stdinJson) {

    String describe() {
        return "CNI plugin " + pluginType + " " + command + " (container " + containerId + ", ifname " + ifName
                + (netns.isEmpty() ? "" : ", netns " + netns) + ")";
    }
}
