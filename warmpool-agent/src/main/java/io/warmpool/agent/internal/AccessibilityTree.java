package io.warmpool.agent.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The page's accessibility tree as Puppeteer's {@code page.accessibility.snapshot()} shapes it:
 * {@code {role, name, value?, description?, <state>?, children?}}, ignored nodes replaced by their children.
 * Built from {@code Accessibility.getFullAXTree}; at most 10,000 nodes. Stateless.
 */
final class AccessibilityTree {
    private static final int MAX_NODES = 10_000;
    private static final Set<String> STATES = Set.of("checked", "disabled", "expanded", "focused", "level", "modal",
            "multiline", "multiselectable", "pressed", "readonly", "required", "selected", "haspopup", "invalid",
            "orientation", "autocomplete", "keyshortcuts", "roledescription", "valuemin", "valuemax", "valuetext");

    private AccessibilityTree() {
    }

    static JsonNode of(IsolatedPage page, Duration timeout) {
        JsonNode nodes = page.call("Accessibility.getFullAXTree", null, timeout).path("nodes");
        Map<String, JsonNode> byId = new HashMap<>();
        JsonNode root = null;
        for (JsonNode n : nodes) {
            byId.put(n.path("nodeId").asText(), n);
            if (root == null && !n.has("parentId")) {
                root = n;
            }
        }
        if (root == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        int[] budget = {MAX_NODES};
        ArrayNode top = JsonNodeFactory.instance.arrayNode();
        build(root, byId, top, budget);
        return top.isEmpty() ? JsonNodeFactory.instance.nullNode() : top.get(0);
    }

    /** Adds {@code node} (or, when ignored, its children) to {@code into}. */
    private static void build(JsonNode node, Map<String, JsonNode> byId, ArrayNode into, int[] budget) {
        if (budget[0]-- <= 0) {
            return;
        }
        ArrayNode children = JsonNodeFactory.instance.arrayNode();
        for (JsonNode id : node.path("childIds")) {
            JsonNode child = byId.get(id.asText());
            if (child != null) {
                build(child, byId, children, budget);
            }
        }
        String role = node.path("role").path("value").asText("");
        if (node.path("ignored").asBoolean(false) || role.equals("none") || role.equals("generic") && !node.has("name")) {
            into.addAll(children);
            return;
        }
        ObjectNode out = into.addObject();
        out.put("role", role);
        out.put("name", node.path("name").path("value").asText(""));
        copy(node.path("value"), out, "value");
        copy(node.path("description"), out, "description");
        for (JsonNode p : node.path("properties")) {
            String name = p.path("name").asText();
            if (STATES.contains(name)) {
                copy(p.path("value"), out, name);
            }
        }
        if (!children.isEmpty()) {
            out.set("children", children);
        }
    }

    private static void copy(JsonNode axValue, ObjectNode out, String key) {
        JsonNode v = axValue.path("value");
        if (!v.isMissingNode() && !v.isNull() && !(v.isTextual() && v.asText().isEmpty())) {
            out.set(key, v);
        }
    }
}
