package dev.flowmeter.api.faults;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.EventJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Turns a valid JSON payload into a hostile one: fields dropped, duplicated, renamed or retyped; huge, negative,
 * extreme and unicode values; deep nesting and long arrays; then, at the byte level, truncation, random bytes,
 * invalid UTF-8, broken structure, byte order marks, trailing garbage and bodies just over the size limit. What the
 * tree cannot hold (duplicate keys, numbers beyond double, nesting deeper than the JSON writer allows) is written as a
 * placeholder string and replaced in the serialised text. Every choice comes from the caller's random, so a seed and
 * an index reproduce an input exactly.
 */
final class Mutations {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String PLACEHOLDER = "@@fuzz-raw-";
    private static final String[] NASTY_STRINGS = {
        "", " ", "\u0000", "null", "[]", "{}", "💥🚀", "\u202Egnp.exe", "e\u0301\u0301\u0301", "\u200B\u200D\uFEFF",
        "ß", "日本語のサービス", "../../etc/passwd", "<script>alert(1)</script>", "${jndi:ldap://127.0.0.1/x}",
        "' OR 1=1 --", "%00%0d%0a", "\\u0000", "\t\n\r", "NaN", "-Infinity", "2026-02-30T25:61:61Z",
        "9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "2026-05-01T10:00:00",
        "2026-05-01", "+275760-09-13T00:00:00Z", "2126-05-01T10:00:00Z", "-1", "0x7fffffff",
        "a".repeat(201), "/".repeat(200), "g".repeat(40), "A".repeat(64), "𝕌𝕟𝕚𝕔𝕠𝕕𝕖".repeat(50),
    };
    private static final String[] RAW_NUMBERS = {
        "-0", "1e999999", "-1e400", "1.5e-400", "123456789012345678901234567890", "9223372036854775808",
        "-9223372036854775809", "0.0000000000000000000000001", "1" + "0".repeat(1500), "00012",
    };
    private static final byte[][] INVALID_UTF8 = {
        {(byte) 0xC3, 0x28}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF},
        {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82},
    };
    private static final String STRUCTURE = "{}[]:,\"";

    private final int maxBodyBytes;

    /** @param maxBodyBytes the server's FLOWMETER_MAX_BODY_BYTES, so some bodies land just over it */
    Mutations(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Applies one to three changes to a copy of {@code tree}, naming each in {@code applied}. */
    JsonNode mutateTree(JsonNode tree, SplittableRandom random, Map<String, String> raw, List<String> applied) {
        JsonNode root = tree.deepCopy();
        int changes = 1 + random.nextInt(3);
        for (int i = 0; i < changes; i++) {
            root = mutateOnce(root, random, raw, applied);
        }
        return root;
    }

    private JsonNode mutateOnce(JsonNode root, SplittableRandom random, Map<String, String> raw,
            List<String> applied) {
        List<Slot> slots = new ArrayList<>();
        collect(root, slots, 0);
        int op = random.nextInt(13);
        if (slots.isEmpty() || op == 12) {
            applied.add("wrap-root");
            return wrap(root, random);
        }
        Slot slot = slots.get(random.nextInt(slots.size()));
        switch (op) {
            case 0, 1 -> {
                applied.add("drop " + slot);
                slot.remove();
            }
            case 2, 3 -> {
                applied.add("retype " + slot);
                slot.set(scalar(random));
            }
            case 4 -> {
                int length = 1_000 + random.nextInt(random.nextInt(10) == 0 ? 300_000 : 20_000);
                applied.add("huge-string(" + length + ") " + slot);
                slot.set(NODES.textNode(String.valueOf((char) ('a' + random.nextInt(26))).repeat(length)));
            }
            case 5 -> {
                applied.add("unicode " + slot);
                JsonNode old = slot.get();
                String nasty = NASTY_STRINGS[random.nextInt(NASTY_STRINGS.length)];
                slot.set(NODES.textNode(old.isTextual() && random.nextBoolean() ? old.asText() + nasty : nasty));
            }
            case 6 -> {
                String number = RAW_NUMBERS[random.nextInt(RAW_NUMBERS.length)];
                applied.add("raw-number(" + abbreviate(number) + ") " + slot);
                slot.set(NODES.textNode(placeholder(raw, number)));
            }
            case 7 -> {
                int depth = new int[] {20, 200, 999, 1001, 5_000, 50_000}[random.nextInt(6)];
                applied.add("deep-nesting(" + depth + ") " + slot);
                slot.set(NODES.textNode(placeholder(raw, random.nextBoolean() ? "[".repeat(depth) + "]".repeat(depth)
                        : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth))));
            }
            case 8 -> {
                int length = new int[] {2, 101, 1_001, 10_001, 20_000}[random.nextInt(5)];
                applied.add("long-array(" + length + ") " + slot);
                slot.set(longArray(slot.get(), length, random));
            }
            case 9 -> {
                applied.add("rename " + slot);
                slot.rename(new String[] {"", " ", "ID", "Type", "time ", "__proto__", "$ref", "id\u0000",
                    "servicé", "x".repeat(300)}[random.nextInt(10)]);
            }
            case 10 -> {
                applied.add("duplicate " + slot);
                slot.duplicate(raw, random.nextBoolean() ? scalar(random) : slot.get().deepCopy());
            }
            default -> {
                applied.add("empty " + slot);
                slot.set(random.nextBoolean() ? NODES.objectNode() : NODES.arrayNode());
            }
        }
        return root;
    }

    /** Serialises {@code tree} and puts the raw text of every placeholder in place. */
    static byte[] write(JsonNode tree, Map<String, String> raw) {
        String json;
        try {
            json = EventJson.MAPPER.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain nodes always serialises", e);
        }
        for (Map.Entry<String, String> entry : raw.entrySet()) {
            json = json.replace(entry.getKey(), entry.getValue());
        }
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** One byte-level change to a serialised body, named in {@code applied}. */
    byte[] mutateBytes(byte[] body, SplittableRandom random, List<String> applied) {
        int op = random.nextInt(11);
        switch (op) {
            case 0 -> {
                int keep = body.length == 0 ? 0 : random.nextInt(body.length);
                applied.add("truncate(" + keep + ")");
                return Arrays.copyOf(body, keep);
            }
            case 1 -> {
                byte[] flipped = body.clone();
                int flips = 1 + random.nextInt(16);
                for (int i = 0; i < flips && flipped.length > 0; i++) {
                    flipped[random.nextInt(flipped.length)] = (byte) random.nextInt(256);
                }
                applied.add("flip-bytes(" + flips + ")");
                return flipped;
            }
            case 2 -> {
                byte[] noise = new byte[1 + random.nextInt(64)];
                random.nextBytes(noise);
                applied.add("insert-bytes(" + noise.length + ")");
                return insert(body, random.nextInt(body.length + 1), noise);
            }
            case 3 -> {
                applied.add("invalid-utf8");
                return insert(body, random.nextInt(body.length + 1), INVALID_UTF8[random.nextInt(INVALID_UTF8.length)]);
            }
            case 4 -> {
                applied.add("break-structure");
                return breakStructure(body, random);
            }
            case 5 -> {
                applied.add("byte-order-mark");
                return random.nextBoolean() ? insert(body, 0, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF})
                        : new String(body, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16);
            }
            case 6 -> {
                byte[] noise = new byte[random.nextInt(4_096)];
                random.nextBytes(noise);
                applied.add("random-body(" + noise.length + ")");
                return noise;
            }
            case 7 -> {
                applied.add("empty-body");
                return new byte[0];
            }
            case 8 -> {
                String tail = new String[] {"}", "]", "{}", "garbage", "\u0000", "\n{\"id\":\"x\"}", ","}
                        [random.nextInt(7)];
                applied.add("trailing(" + tail.strip() + ")");
                return insert(body, body.length, tail.getBytes(StandardCharsets.UTF_8));
            }
            case 9 -> {
                if (random.nextInt(8) != 0) {
                    applied.add("nul-byte");
                    return insert(body, random.nextInt(body.length + 1), new byte[] {0});
                }
                int size = maxBodyBytes + 1 + random.nextInt(64 * 1024);
                applied.add("oversize(" + size + ")");
                byte[] padded = Arrays.copyOf(body, Math.max(size, body.length));
                Arrays.fill(padded, body.length, padded.length, (byte) ' ');
                return padded;
            }
            default -> {
                applied.add("whitespace-only");
                return " \n\t ".getBytes(StandardCharsets.UTF_8);
            }
        }
    }

    private static byte[] insert(byte[] body, int at, byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + bytes.length);
        out.write(body, 0, at);
        out.write(bytes, 0, bytes.length);
        out.write(body, at, body.length - at);
        return out.toByteArray();
    }

    private static byte[] breakStructure(byte[] body, SplittableRandom random) {
        byte[] broken = body.clone();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < broken.length; i++) {
            if (STRUCTURE.indexOf(broken[i]) >= 0) {
                positions.add(i);
            }
        }
        if (!positions.isEmpty()) {
            broken[positions.get(random.nextInt(positions.size()))] =
                    (byte) STRUCTURE.charAt(random.nextInt(STRUCTURE.length()));
        }
        return broken;
    }

    private static JsonNode wrap(JsonNode root, SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> NODES.arrayNode().add(root);
            case 1 -> NODES.objectNode().set("data", root);
            case 2 -> NODES.arrayNode().add(NODES.arrayNode().add(root));
            default -> NODES.arrayNode().add(root).add(root);
        };
    }

    private static JsonNode scalar(SplittableRandom random) {
        return switch (random.nextInt(14)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(0);
            case 3 -> NODES.numberNode(-1);
            case 4 -> NODES.numberNode(Long.MIN_VALUE);
            case 5 -> NODES.numberNode(Long.MAX_VALUE);
            case 6 -> NODES.numberNode(Double.MAX_VALUE);
            case 7 -> NODES.numberNode(-0.000001);
            case 8 -> NODES.numberNode(random.nextInt());
            case 9 -> NODES.textNode("");
            case 10 -> NODES.objectNode();
            case 11 -> NODES.arrayNode().add(random.nextInt(100));
            case 12 -> NODES.textNode(Long.toString(random.nextLong()));
            default -> NODES.textNode(NASTY_STRINGS[random.nextInt(NASTY_STRINGS.length)]);
        };
    }

    /**
     * Many copies of the slot's own value (when it is small: copies of a huge string or of a deeply nested placeholder
     * would only exhaust the test's own heap), or full shas (the lists an event may carry), or numbers.
     */
    private static ArrayNode longArray(JsonNode like, int length, SplittableRandom random) {
        ArrayNode array = NODES.arrayNode(length);
        int kind = random.nextInt(3);
        for (int i = 0; i < length; i++) {
            if (kind == 0) {
                array.add(String.format("%016x%016x%08x", random.nextLong(), random.nextLong(), random.nextInt()));
            } else if (kind == 1 && like != null && like.isValueNode() && like.asText().length() <= 64
                    && !like.asText().startsWith(PLACEHOLDER)) {
                array.add(like);
            } else {
                array.add(i);
            }
        }
        return array;
    }

    /** A unique string standing in for {@code text}, which {@link #write} puts in place of it, quotes and all. */
    private static String placeholder(Map<String, String> raw, String text) {
        String key = PLACEHOLDER + raw.size() + "@@";
        raw.put("\"" + key + "\"", text);
        return key;
    }

    private static String abbreviate(String text) {
        return text.length() <= 20 ? text : text.substring(0, 20) + "...(" + text.length() + ")";
    }

    private static void collect(JsonNode node, List<Slot> slots, int depth) {
        if (depth > 12) {
            return;
        }
        if (node instanceof ObjectNode object) {
            Iterator<String> names = object.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                slots.add(new Slot(object, name, -1));
                collect(object.get(name), slots, depth + 1);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                slots.add(new Slot(array, null, i));
                collect(array.get(i), slots, depth + 1);
            }
        }
    }

    /** A place in the tree: a field of an object or an element of an array. */
    private record Slot(JsonNode parent, String field, int index) {

        JsonNode get() {
            return field != null ? parent.get(field) : parent.get(index);
        }

        void set(JsonNode value) {
            if (field != null) {
                ((ObjectNode) parent).set(field, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }

        void remove() {
            if (field != null) {
                ((ObjectNode) parent).remove(field);
            } else {
                ((ArrayNode) parent).remove(index);
            }
        }

        /** A new key, or the element's array index for an array; the value moves to the new place. */
        void rename(String name) {
            if (field == null) {
                set(NODES.objectNode().set(name, get()));
                return;
            }
            JsonNode value = ((ObjectNode) parent).remove(field);
            ((ObjectNode) parent).set(name, value);
        }

        /** The same key twice in one object (last one wins in most parsers); an array gets the value again. */
        void duplicate(Map<String, String> raw, JsonNode value) {
            if (field == null) {
                ((ArrayNode) parent).add(value);
                return;
            }
            ((ObjectNode) parent).set(placeholder(raw, quote(field)), value);
        }

        @Override
        public String toString() {
            return field != null ? abbreviate(field) : "[" + index + "]";
        }
    }

    private static String quote(String text) {
        try {
            return EventJson.MAPPER.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
