package io.grapevine.kv.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options: {@code --name value} (or {@code --name=value}), repeatable, boolean
 * switches without a value, and positional arguments. Unknown options are errors that name the
 * option, so a typo never passes silently.
 */
public final class Args {
    private final List<String> positional = new ArrayList<>();
    private final Map<String, List<String>> options = new LinkedHashMap<>();

    private Args() {
    }

    /**
     * @param argv     the arguments
     * @param valued   options that take a value
     * @param switches options that take none
     * @return the parsed arguments
     * @throws IllegalArgumentException on an unknown option or a missing value
     */
    public static Args parse(String[] argv, Set<String> valued, Set<String> switches) {
        Args a = new Args();
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (!arg.startsWith("--") || arg.equals("--")) {
                a.positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (switches.contains(name)) {
                a.options.computeIfAbsent(name, k -> new ArrayList<>()).add(value == null ? "true" : value);
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= argv.length) {
                        throw new IllegalArgumentException("--" + name + " needs a value");
                    }
                    value = argv[++i];
                }
                a.options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                throw new IllegalArgumentException("unknown option --" + name);
            }
        }
        return a;
    }

    /** @return the positional arguments */
    public List<String> positional() {
        return positional;
    }

    /** @return every option given, in order, with all its values */
    public Map<String, List<String>> options() {
        return options;
    }

    /** @return whether the option was given */
    public boolean has(String name) {
        return options.containsKey(name);
    }

    /** @return the option's last value, or the fallback */
    public String get(String name, String fallback) {
        List<String> v = options.get(name);
        return v == null ? fallback : v.get(v.size() - 1);
    }

    /** @return every value of a repeatable option */
    public List<String> all(String name) {
        return options.getOrDefault(name, List.of());
    }

    /** @return the option as an int, or the fallback */
    public int getInt(String name, int fallback) {
        String v = get(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number: " + v);
        }
    }

    /** @return the option as a boolean switch */
    public boolean flag(String name) {
        String v = get(name, "false");
        return v.equalsIgnoreCase("true") || v.isEmpty();
    }

    /** @return the option as a duration ({@link #duration(String)}), or the fallback */
    public Duration getDuration(String name, Duration fallback) {
        String v = get(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return duration(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + name + ": " + e.getMessage());
        }
    }

    /**
     * @param text {@code 500ms}, {@code 10s}, {@code 5m}, {@code 2h}, {@code 0}, or ISO-8601 ({@code PT10S})
     * @return the duration
     */
    public static Duration duration(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        if (t.startsWith("pt") || t.startsWith("p")) {
            return Duration.parse(text.trim());
        }
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0 || i == t.length()) {
            throw new IllegalArgumentException("expected a duration like 500ms, 10s, 5m or 2h: " + text);
        }
        long n = Long.parseLong(t.substring(0, i));
        return switch (t.substring(i)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("expected a duration like 500ms, 10s, 5m or 2h: " + text);
        };
    }
}
