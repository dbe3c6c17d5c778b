package dev.berth.server.e2e;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Bad input for any protobuf request, made by reflection from a valid one: one to three of its fields, at any
 * depth, get values a careless or hostile caller could send (empty, 4 KiB, control characters, {@code ../..},
 * extreme numbers, enum values the schema does not know, extra elements and map entries, cleared messages,
 * unknown fields). The same seed gives the same mutations. Not thread-safe: it owns one {@link Random}.
 */
final class RequestMutator {

    /** A mutated request and what was changed in it, as field paths and values, for failure reports. */
    record Mutated<M extends Message>(M request, List<String> changes) {
    }

    private static final List<String> BAD_STRINGS = List.of(
            "", " ", "x".repeat(4096), "/" + "x".repeat(4095), "a\nb", "nul\0byte", "tab\tand\u0001ctrl", "\r\n",
            "../..", "..", ".", "/", "./relative", "relative/path", "/etc/passwd", "/proc/self/fd/0", "/dev/null",
            "/sys/fs/cgroup", "ünïcødé ☃ \uD83D\uDE80", "\uFFFF\uFFFE non-characters", "-1", "99999999999999999999",
            "%s%n%x", "${PATH}", "*", "a=b", "key:value", "UPPER", "0", "true");
    private static final long[] BAD_LONGS = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE,
            Integer.MAX_VALUE, 4096, 1L << 32};
    private static final int[] BAD_INTS = {0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, 65536, 4096};
    private static final int[] UNKNOWN_ENUM_NUMBERS = {999, -1, Integer.MAX_VALUE};
    /** An object id, whose prefixes name objects too. */
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[0-9a-f]{64}");

    private final Random random;
    private final List<String> strings;

    /** {@code extraStrings} join the built-in bad strings, e.g. ids of other objects or paths of the test. */
    RequestMutator(long seed, List<String> extraStrings) {
        this.random = new Random(seed);
        this.strings = new ArrayList<>(BAD_STRINGS);
        this.strings.addAll(extraStrings);
    }

    /** {@code base} with one to three mutations. */
    @SuppressWarnings("unchecked")
    <M extends Message> Mutated<M> mutate(M base) {
        Message.Builder builder = base.toBuilder();
        List<String> changes = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            mutateOne(builder, "", changes);
        }
        return new Mutated<>((M) builder.build(), changes);
    }

    private void mutateOne(Message.Builder builder, String path, List<String> changes) {
        List<FieldDescriptor> fields = builder.getDescriptorForType().getFields();
        // a message without fields can still carry fields of a newer schema, which must be ignored
        if (fields.isEmpty() || random.nextInt(40) == 0) {
            int number = 1000 + random.nextInt(1000);
            builder.setUnknownFields(UnknownFieldSet.newBuilder(builder.getUnknownFields())
                    .addField(number, UnknownFieldSet.Field.newBuilder().addVarint(random.nextLong()).build())
                    .build());
            changes.add(join(path, "#" + number) + " unknown field");
            return;
        }
        FieldDescriptor field = pick(builder, fields);
        String at = join(path, field.getName());
        if (field.isMapField()) {
            mutateMap(builder, field, at, changes);
        } else if (field.isRepeated()) {
            mutateRepeated(builder, field, at, changes);
        } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            int choice = random.nextInt(10);
            if (choice == 0) {
                builder.clearField(field);
                changes.add(at + " cleared");
            } else if (choice == 1) {
                builder.setField(field, builder.newBuilderForField(field).build());
                changes.add(at + " empty");
            } else {
                mutateOne(builder.getFieldBuilder(field), at, changes);
            }
        } else {
            Object value = badScalar(field, builder.getField(field));
            builder.setField(field, value);
            changes.add(at + " = " + show(value));
        }
    }

    /** A field of {@code builder}, those already set three times as likely: mutations of real values matter more. */
    private FieldDescriptor pick(Message.Builder builder, List<FieldDescriptor> fields) {
        List<FieldDescriptor> weighted = new ArrayList<>();
        for (FieldDescriptor f : fields) {
            boolean set = f.isRepeated() ? builder.getRepeatedFieldCount(f) > 0
                    : f.hasPresence() ? builder.hasField(f) : !builder.getField(f).equals(f.getDefaultValue());
            weighted.add(f);
            if (set) {
                weighted.add(f);
                weighted.add(f);
            }
        }
        return weighted.get(random.nextInt(weighted.size()));
    }

    private void mutateRepeated(Message.Builder builder, FieldDescriptor field, String at, List<String> changes) {
        int count = builder.getRepeatedFieldCount(field);
        int choice = random.nextInt(10);
        boolean message = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE;
        if (choice < 4 || count == 0) {
            if (message) {
                Message.Builder element = builder.newBuilderForField(field);
                mutateOne(element, at + "[" + count + "]", changes);
                builder.addRepeatedField(field, element.build());
            } else {
                Object value = badScalar(field, null);
                builder.addRepeatedField(field, value);
                changes.add(at + "[" + count + "] = " + show(value));
            }
        } else if (choice < 9) {
            int i = random.nextInt(count);
            if (message) {
                Message.Builder element = ((Message) builder.getRepeatedField(field, i)).toBuilder();
                mutateOne(element, at + "[" + i + "]", changes);
                builder.setRepeatedField(field, i, element.build());
            } else {
                Object value = badScalar(field, builder.getRepeatedField(field, i));
                builder.setRepeatedField(field, i, value);
                changes.add(at + "[" + i + "] = " + show(value));
            }
        } else {
            builder.clearField(field);
            changes.add(at + " cleared");
        }
    }

    /** CRI maps are string to string: an entry with a bad key, a bad value, or both. */
    private void mutateMap(Message.Builder builder, FieldDescriptor field, String at, List<String> changes) {
        if (random.nextInt(10) == 0) {
            builder.clearField(field);
            changes.add(at + " cleared");
            return;
        }
        Descriptor entryType = field.getMessageType();
        FieldDescriptor keyField = entryType.findFieldByName("key");
        FieldDescriptor valueField = entryType.findFieldByName("value");
        Message.Builder entry = builder.newBuilderForField(field);
        int choice = random.nextInt(3);
        Object key = choice == 0 ? "fuzz.example/key" : badScalar(keyField, null);
        Object value = choice == 1 ? "value" : badScalar(valueField, null);
        entry.setField(keyField, key);
        entry.setField(valueField, value);
        builder.addRepeatedField(field, entry.build());
        changes.add(at + "[" + show(key) + "] = " + show(value));
    }

    private Object badScalar(FieldDescriptor field, Object current) {
        return switch (field.getJavaType()) {
            case STRING -> badString((String) current);
            case INT -> random.nextInt(5) == 0 ? random.nextInt() : BAD_INTS[random.nextInt(BAD_INTS.length)];
            case LONG -> random.nextInt(5) == 0 ? random.nextLong() : BAD_LONGS[random.nextInt(BAD_LONGS.length)];
            case BOOLEAN -> current == null ? random.nextBoolean() : !(Boolean) current;
            case FLOAT -> new float[] {Float.NaN, Float.NEGATIVE_INFINITY, -1f, 0f}[random.nextInt(4)];
            case DOUBLE -> new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1d, 0d}[random.nextInt(4)];
            case BYTE_STRING -> {
                byte[] bytes = new byte[random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(64)];
                random.nextBytes(bytes);
                yield ByteString.copyFrom(bytes);
            }
            case ENUM -> badEnum(field);
            case MESSAGE -> throw new IllegalArgumentException(field + " is not a scalar");
        };
    }

    private String badString(String current) {
        if (current != null && !current.isEmpty()) {
            switch (random.nextInt(8)) {
                // a unique prefix names an object to crictl users; a short one may name several
                case 0 -> {
                    if (ID.matcher(current).matches()) {
                        return current.substring(0, 1 + random.nextInt(3));
                    }
                }
                case 1 -> {
                    return current + (random.nextBoolean() ? "\n" : "/../..");
                }
                default -> {
                    // one of the fixed bad strings below
                }
            }
        }
        return strings.get(random.nextInt(strings.size()));
    }

    /** Another value of the enum, or a number it does not define, as a newer or broken client would send. */
    private EnumValueDescriptor badEnum(FieldDescriptor field) {
        List<EnumValueDescriptor> values = field.getEnumType().getValues();
        if (random.nextBoolean()) {
            return values.get(random.nextInt(values.size()));
        }
        int number = UNKNOWN_ENUM_NUMBERS[random.nextInt(UNKNOWN_ENUM_NUMBERS.length)];
        return field.getEnumType().findValueByNumberCreatingIfUnknown(number);
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** A value as a report shows it: strings quoted, escaped and cut to 40 characters. */
    static String show(Object value) {
        if (value instanceof String s) {
            StringBuilder b = new StringBuilder("\"");
            for (int i = 0; i < s.length() && i < 40; i++) {
                char c = s.charAt(i);
                b.append(Character.isISOControl(c) ? String.format("\\x%02x", (int) c) : String.valueOf(c));
            }
            return b.append(s.length() > 40 ? "\"...(" + s.length() + " chars)" : "\"").toString();
        }
        if (value instanceof EnumValueDescriptor e) {
            return e.getName() + "(" + e.getNumber() + ")";
        }
        if (value instanceof ByteString bytes) {
            return bytes.size() + " bytes";
        }
        return String.valueOf(value);
    }

    /**
     * Whether an INVALID_ARGUMENT description starts with a path of fields of the request message, such as
     * {@code config.mounts[0].host_path} or {@code config.linux.resources.unified[memory.high]}.
     */
    static boolean namesField(Descriptor request, String description) {
        if (description == null) {
            return false;
        }
        StringBuilder path = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < description.length(); i++) {
            char c = description.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (depth == 0 && (c == ' ' || c == ':' || c == ',')) {
                break;
            } else if (depth == 0) {
                path.append(c);
            }
        }
        if (path.isEmpty()) {
            return false;
        }
        Descriptor type = request;
        for (String name : path.toString().split("\\.", -1)) {
            FieldDescriptor field = type == null ? null : type.findFieldByName(name);
            if (field == null) {
                return false;
            }
            type = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isMapField()
                    ? field.getMessageType() : null;
        }
        return true;
    }
}
