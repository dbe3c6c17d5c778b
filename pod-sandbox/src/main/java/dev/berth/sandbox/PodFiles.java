package dev.berth.sandbox;

import dev.berth.cri.v1.DNSConfig;
import java.util.List;

/** Renders the files a pod's containers see as /etc/hostname, /etc/resolv.conf and /etc/hosts. Stateless. */
final class PodFiles {

    private PodFiles() {
    }

    /** resolv.conf from kubelet's DNS config, or null when it is empty (then the host's file is used). */
    static String resolvConf(DNSConfig dns) {
        if (dns.getServersCount() == 0 && dns.getSearchesCount() == 0 && dns.getOptionsCount() == 0) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        if (dns.getSearchesCount() > 0) {
            b.append("search ").append(String.join(" ", dns.getSearchesList())).append('\n');
        }
        for (String server : dns.getServersList()) {
            b.append("nameserver ").append(server).append('\n');
        }
        if (dns.getOptionsCount() > 0) {
            b.append("options ").append(String.join(" ", dns.getOptionsList())).append('\n');
        }
        return b.toString();
    }

    /** hosts with the loopback names and the pod's hostname, mapped to the pod IP once it is known. */
    static String hosts(String hostname, String ip, List<String> additionalIps) {
        StringBuilder b = new StringBuilder();
        b.append("127.0.0.1\tlocalhost\n");
        b.append("::1\tlocalhost ip6-localhost ip6-loopback\n");
        b.append("fe00::0\tip6-localnet\n");
        b.append("ff00::0\tip6-mcastprefix\n");
        b.append("ff02::1\tip6-allnodes\n");
        b.append("ff02::2\tip6-allrouters\n");
        if (!hostname.isEmpty()) {
            if (ip == null || ip.isEmpty()) {
                b.append("127.0.1.1\t").append(hostname).append('\n');
            } else {
                b.append(ip).append('\t').append(hostname).append('\n');
                for (String extra : additionalIps) {
                    b.append(extra).append('\t').append(hostname).append('\n');
                }
            }
        }
        return b.toString();
    }

    static String hostnameFile(String hostname) {
        return hostname + "\n";
    }
}
