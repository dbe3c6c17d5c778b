package dev.berth.network;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ADD, DEL and CHECK of a whole network config list, as the CNI spec orders them: ADD and CHECK in list
 * order with each ADD result chained as the next plugin's prevResult; DEL in reverse order with the cached
 * result as prevResult. Thread-safe (stateless apart from the invoker).
 */
final class NetworkChain {

    private static final Logger LOG = LoggerFactory.getLogger(NetworkChain.class);
    private static final String PREV_RESULT_ON_DEL_SINCE = "0.4.0";
    private static final String CHECK_SINCE = "0.4.0";

    private final PluginInvoker invoker;

    NetworkChain(PluginInvoker invoker) {
        this.invoker = invoker;
    }

    /**
     * Runs ADD for every plugin and returns the final result. If any plugin fails, DEL runs for the whole
     * list (the spec's cleanup for a failed ADD) before the failure is rethrown.
     */
    ObjectNode add(NetworkConfigList net, RuntimeConf rt) {
        ObjectNode result = null;
        try {
            for (ObjectNode plugin : net.plugins()) {
                ObjectNode conf = PluginConfigs.build(net, plugin, result, rt.capabilityArgs());
                PluginCall call = call("ADD", plugin, rt, conf);
                result = CniResults.parse(invoker.invoke(call), call);
            }
            return result;
        } catch (RuntimeException e) {
            delQuietly(net, rt, result, e);
            throw e;
        }
    }

    /** Runs DEL for every plugin in reverse order; keeps going after a failure and throws the first one. */
    void del(NetworkConfigList net, RuntimeConf rt, ObjectNode cachedResult) {
        ObjectNode prev = PluginConfigs.atLeast(net.cniVersion(), PREV_RESULT_ON_DEL_SINCE) ? cachedResult : null;
        List<ObjectNode> plugins = new ArrayList<>(net.plugins());
        Collections.reverse(plugins);
        RuntimeException first = null;
        for (ObjectNode plugin : plugins) {
            ObjectNode conf = PluginConfigs.build(net, plugin, prev, rt.capabilityArgs());
            try {
                invoker.invoke(call("DEL", plugin, rt, conf));
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Best-effort DEL used while undoing: failures are logged and attached to {@code cause}. */
    void delQuietly(NetworkConfigList net, RuntimeConf rt, ObjectNode result, Throwable cause) {
        try {
            del(net, rt, result);
        } catch (RuntimeException e) {
            LOG.warn("cleanup DEL of network {} for {} failed: {}", net.name(), rt.containerId(), e.getMessage());
            if (cause != null) {
                cause.addSuppressed(e);
            }
        }
    }

    /**
     * Runs CHECK for every plugin in order with the cached result. Returns false without running anything
     * when the list's version predates CHECK or the list disables it; throws on a plugin's failure.
     */
    boolean check(NetworkConfigList net, RuntimeConf rt, ObjectNode cachedResult) {
        if (net.disableCheck() || !PluginConfigs.atLeast(net.cniVersion(), CHECK_SINCE)) {
            return false;
        }
        for (ObjectNode plugin : net.plugins()) {
            ObjectNode conf = PluginConfigs.build(net, plugin, cachedResult, rt.capabilityArgs());
            invoker.invoke(call("CHECK", plugin, rt, conf));
        }
        return true;
    }

    private static PluginCall call(String command, ObjectNode plugin, RuntimeConf rt, ObjectNode conf) {
        return new PluginCall(command, plugin.get("type").asText(), rt.containerId(), rt.netns(), rt.ifName(),
                rt.cniArgs(), Json.write(conf));
    }
}
