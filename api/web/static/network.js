// The profile's network: start from the cadre, expand any node on click (no inline script).
(function () {
  "use strict";
  var box = document.getElementById("network");
  if (!box || typeof cytoscape === "undefined") { return; }
  var note = document.getElementById("network-note");
  var root = box.getAttribute("data-root");
  var colours = { Cadre: "#c0392b", Post: "#2f6fb3", Unit: "#7f8c8d", Mentor: "#8e44ad",
    Project: "#d68910", Pool: "#16a085", Specialty: "#2e8b57", Supervision: "#34495e" };
  var cy = cytoscape({
    container: box,
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: { "label": "data(label)", "font-size": 11, "text-valign": "bottom",
        "text-margin-y": 3, "width": 18, "height": 18, "background-color": function (n) {
          return colours[n.data("kind")] || "#999"; },
        "text-background-color": "#fbfcfd", "text-background-opacity": 0.85,
        "text-background-padding": 1,
        "font-family": "Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, sans-serif" } },
      { selector: "node.root", style: { "width": 28, "height": 28, "font-weight": "bold" } },
      { selector: "node.expanded", style: { "border-width": 2, "border-color": "#333" } },
      { selector: "edge", style: { "width": 1.2, "line-color": "#b8c0cc", "curve-style": "bezier",
        "target-arrow-shape": "triangle", "target-arrow-color": "#b8c0cc", "label": "data(label)",
        "font-size": 9, "color": "#666", "text-rotation": "autorotate",
        "text-background-color": "#fbfcfd", "text-background-opacity": 0.9 } }
    ]
  });
  function expand(id) {
    var node = cy.getElementById(id);
    if (node.nonempty() && node.hasClass("expanded")) { return; }
    var parts = id.split(":");
    fetch("/graph/" + encodeURIComponent(parts[0]) + "/" + encodeURIComponent(parts.slice(1).join(":")),
      { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (!res.ok) { note.textContent = res.body.detail || "无法展开该节点"; return; }
        var fresh = res.body.elements.filter(function (e) { return cy.getElementById(e.data.id).empty(); });
        cy.add(fresh);
        cy.getElementById(id).addClass("expanded");
        cy.getElementById(root).addClass("root");
        box.setAttribute("data-nodes", String(cy.nodes().length));
        note.textContent = "共 " + cy.nodes().length + " 个节点" +
          (res.body.more ? "；该节点另有 " + res.body.more + " 个关联未显示" : "") + "。点击节点继续展开。";
        layout();
      })
      .catch(function () { note.textContent = "网络请求失败，请稍后再试。"; });
  }
  // Rings around the cadre: nearer nodes (fewer hops) on inner rings.
  function layout() {
    var hops = {};
    cy.elements().bfs({ roots: cy.getElementById(root), directed: false,
      visit: function (v, e, u, i, depth) { hops[v.id()] = depth; } });
    cy.layout({ name: "concentric", animate: false, fit: true, padding: 30,
      minNodeSpacing: 46, startAngle: 3.5 * Math.PI / 2,
      concentric: function (n) { return 10 - (hops[n.id()] === undefined ? 9 : hops[n.id()]); },
      levelWidth: function () { return 1; } }).run();
  }
  cy.on("tap", "node", function (event) { expand(event.target.id()); });
  box.cy = cy;  // for tests and the curious: the graph behind the picture
  expand(root);
})();
