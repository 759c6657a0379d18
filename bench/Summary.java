import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns bench/run's raw result lines (tab separated) into the printed table and the JSON file:
 * per metric and server the value of each round (the median of the round's samples for latencies),
 * and ours/OpenSSH ratios as min-median-max over the rounds. Usage: java Summary.java RAW.tsv OUT.json
 */
public final class Summary {

    private static final List<String> SERVERS = List.of("ours", "openssh", "chroot");

    /** One metric: per server, per round, the samples. */
    private static final class Metric {
        final Map<String, TreeMap<Integer, List<Double>>> samples = new LinkedHashMap<>();
        final Map<String, Integer> failures = new LinkedHashMap<>();

        List<Double> rounds(String server) {
            List<Double> values = new ArrayList<>();
            samples.getOrDefault(server, new TreeMap<>()).values().forEach(s -> values.add(median(s)));
            return values;
        }
    }

    private record Phase(String name, double seconds, double cpuJvm, double cpuSshd, long t0, long t1) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> info = new LinkedHashMap<>();
        Map<String, String> negotiated = new LinkedHashMap<>();
        Map<String, Metric> metrics = new LinkedHashMap<>();
        List<Phase> phases = new ArrayList<>();
        List<long[]> mem = new ArrayList<>();
        for (String line : Files.readString(Path.of(args[0])).split("\n")) {
            String[] f = line.replace("\r", "").split("\t", -1);
            switch (f[0]) {
                case "info" -> info.put(f[1], f[2]);
                case "negotiated" -> negotiated.put(f[1], f[2]);
                case "sample", "value", "count" -> metrics.computeIfAbsent(f[1], k -> new Metric()).samples
                        .computeIfAbsent(f[2], k -> new TreeMap<>()).computeIfAbsent(Integer.parseInt(f[3]), k -> new ArrayList<>())
                        .add(Double.parseDouble(f[4]));
                case "fail" -> metrics.computeIfAbsent(f[1], k -> new Metric()).failures.merge(f[2], 1, Integer::sum);
                case "phase" -> phases.add(new Phase(f[1], (Long.parseLong(f[3]) - Long.parseLong(f[2])) / 1e6,
                        Double.parseDouble(f[4]), Double.parseDouble(f[5]), Long.parseLong(f[2]), Long.parseLong(f[3])));
                case "mem" -> mem.add(new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])});
                default -> { }
            }
        }

        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%-28s %-22s %-22s %-20s %-12s %s%n", "metric", "ours median (min-max)",
                "OpenSSH median", "ours/OpenSSH min-med-max", "chroot med", "fails ours/openssh/chroot"));
        StringBuilder json = new StringBuilder("{\n  \"info\": {");
        appendMap(json, info);
        json.append("},\n  \"negotiated\": {");
        appendMap(json, negotiated);
        json.append("},\n  \"metrics\": {");
        boolean firstMetric = true;
        for (Map.Entry<String, Metric> entry : metrics.entrySet()) {
            String name = entry.getKey();
            Metric metric = entry.getValue();
            List<Double> ours = metric.rounds("ours");
            List<Double> openssh = metric.rounds("openssh");
            List<Double> chroot = metric.rounds("chroot");
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < Math.min(ours.size(), openssh.size()); i++) {
                if (openssh.get(i) != 0) {
                    ratios.add(ours.get(i) / openssh.get(i));
                }
            }
            table.append(String.format(Locale.ROOT, "%-28s %-22s %-22s %-20s %-12s %d/%d/%d%n", name, spread(ours), med(openssh),
                    ratios.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f-%.2f-%.2f", Collections.min(ratios), median(ratios),
                            Collections.max(ratios)), med(chroot), metric.failures.getOrDefault("ours", 0),
                    metric.failures.getOrDefault("openssh", 0), metric.failures.getOrDefault("chroot", 0)));
            json.append(firstMetric ? "\n" : ",\n").append("    \"").append(name).append("\": {");
            firstMetric = false;
            boolean firstServer = true;
            for (String server : SERVERS) {
                List<Double> rounds = metric.rounds(server);
                if (rounds.isEmpty() && !metric.failures.containsKey(server)) {
                    continue;
                }
                json.append(firstServer ? "" : ", ").append('"').append(server).append("\": {\"rounds\": ").append(list(rounds))
                        .append(", \"median\": ").append(rounds.isEmpty() ? "null" : num(median(rounds)))
                        .append(", \"samples\": ").append(metric.samples.getOrDefault(server, new TreeMap<>()).values().stream()
                                .mapToInt(List::size).sum())
                        .append(", \"failures\": ").append(metric.failures.getOrDefault(server, 0)).append('}');
                firstServer = false;
            }
            if (!ratios.isEmpty()) {
                json.append(", \"ours_over_openssh\": {\"min\": ").append(num(Collections.min(ratios))).append(", \"median\": ")
                        .append(num(median(ratios))).append(", \"max\": ").append(num(Collections.max(ratios))).append('}');
            }
            json.append('}');
        }
        json.append("\n  },\n  \"phases\": [");
        table.append(String.format(Locale.ROOT, "%n%-18s %9s %12s %12s %16s %18s%n", "phase", "wall s", "JVM CPU s",
                "sshd CPU s", "peak JVM RSS MiB", "peak sshd PSS MiB"));
        boolean firstPhase = true;
        for (Phase phase : phases) {
            long peakJvm = 0;
            long peakSshd = 0;
            for (long[] m : mem) {
                if (m[0] >= phase.t0() && m[0] <= phase.t1()) {
                    peakJvm = Math.max(peakJvm, m[1]);
                    peakSshd = Math.max(peakSshd, m[2]);
                }
            }
            table.append(String.format(Locale.ROOT, "%-18s %9.1f %12.2f %12.2f %16.1f %18.1f%n", phase.name(), phase.seconds(),
                    phase.cpuJvm(), phase.cpuSshd(), peakJvm / 1024.0, peakSshd / 1024.0));
            json.append(firstPhase ? "\n" : ",\n").append(String.format(Locale.ROOT,
                    "    {\"name\": \"%s\", \"wall_s\": %.2f, \"jvm_cpu_s\": %.2f, \"sshd_cpu_s\": %.2f, \"peak_jvm_rss_mib\": %.1f, \"peak_sshd_pss_mib\": %.1f}",
                    phase.name(), phase.seconds(), phase.cpuJvm(), phase.cpuSshd(), peakJvm / 1024.0, peakSshd / 1024.0));
            firstPhase = false;
        }
        json.append("\n  ]\n}\n");
        table.append('\n');
        info.forEach((k, v) -> table.append(k).append(": ").append(v).append('\n'));
        negotiated.forEach((k, v) -> table.append("negotiated ").append(k).append(": ").append(v).append('\n'));
        Files.writeString(Path.of(args[1]), json);
        System.out.print(table);
    }

    private static void appendMap(StringBuilder json, Map<String, String> map) {
        boolean first = true;
        for (Map.Entry<String, String> e : map.entrySet()) {
            json.append(first ? "\n    " : ",\n    ").append(quote(e.getKey())).append(": ").append(quote(e.getValue()));
            first = false;
        }
        if (!map.isEmpty()) {
            json.append("\n  ");
        }
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    private static String list(List<Double> values) {
        List<String> parts = new ArrayList<>();
        values.forEach(v -> parts.add(num(v)));
        return "[" + String.join(", ", parts) + "]";
    }

    private static String med(List<Double> values) {
        return values.isEmpty() ? "-" : String.format(Locale.ROOT, "%.4g", median(values));
    }

    private static String spread(List<Double> values) {
        return values.isEmpty() ? "-" : String.format(Locale.ROOT, "%.4g (%.4g-%.4g)", median(values), Collections.min(values),
                Collections.max(values));
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
