// The profile's network: start from the cadre, expand any node on click (no inline script).
// A unit, a pool or a specialty opens as a few summary nodes ("岗位 32个") instead of every
// neighbour; a summary node opens into its members. Zoom, fit and reset buttons, and a legend
// of the node and edge kinds on the graph, sit around the box.
(function () {
  "use strict";
  var box = document.getElementById("network");
  if (!box || typeof cytoscape === "undefined") { return; }
  var note = document.getElementById("network-note");
  var root = box.getAttribute("data-root");
  var sheet = document.createElement("link");
  sheet.rel = "stylesheet"; sheet.href = "/static/network.css";
  document.head.appendChild(sheet);

  var KINDS = { Cadre: ["干部", "#c0392b"], Post: ["岗位", "#2f6fb3"], Unit: ["单位", "#7f8c8d"],
    Mentor: ["导师", "#8e44ad"], Project: ["重大项目", "#d68910"], Pool: ["干部库", "#16a085"],
    Specialty: ["专业", "#2e8b57"], Supervision: ["监督记录", "#34495e"] };
  var EDGES = { HOLDS: ["任职", "#2f6fb3"], IN_UNIT: ["所属单位", "#95a5a6"],
    PART_OF: ["上级单位", "#7f8c8d"], MENTORS: ["帮带", "#8e44ad"], WORKED_ON: ["参与项目", "#d68910"],
    RELATIVE_OF: ["亲属", "#c0392b"], IN_POOL: ["入库", "#16a085"], HAS_SPECIALTY: ["专业", "#2e8b57"],
    RECORD_OF: ["监督", "#34495e"], ROTATED_TO: ["交流轮岗", "#a0522d"], GROUP: ["分组", "#c8ced6"] };
  var GROUPED = { Unit: true, Pool: true, Specialty: true };  // api/web/network.py GROUPED_LABELS

  function colour(kind) { return (KINDS[kind] || ["", "#999"])[1]; }
  var cy = cytoscape({
    container: box,
    wheelSensitivity: 0.3,
    minZoom: 0.2,
    maxZoom: 4,
    style: [
      { selector: "node", style: { "label": "data(label)", "font-size": 11, "text-valign": "bottom",
        "text-margin-y": 3, "width": 18, "height": 18,
        "background-color": function (n) { return colour(n.data("kind")); },
        "text-background-color": "#fbfcfd", "text-background-opacity": 0.85,
        "text-background-padding": 1,
        "font-family": "Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, sans-serif" } },
      { selector: "node[kind = 'Group']", style: { "shape": "round-rectangle", "width": 30, "height": 16,
        "background-color": function (n) { return colour(n.data("member_kind")); },
        "background-opacity": 0.35, "border-width": 1.5,
        "border-color": function (n) { return colour(n.data("member_kind")); },
        "border-style": "dashed", "font-weight": "bold" } },
      { selector: "node.root", style: { "width": 28, "height": 28, "font-weight": "bold" } },
      { selector: "node.expanded", style: { "border-width": 2, "border-color": "#333", "border-style": "solid" } },
      { selector: "edge", style: { "width": 1.4, "curve-style": "bezier",
        "line-color": function (e) { return (EDGES[e.data("type")] || ["", "#b8c0cc"])[1]; },
        "target-arrow-shape": "triangle",
        "target-arrow-color": function (e) { return (EDGES[e.data("type")] || ["", "#b8c0cc"])[1]; },
        "label": "data(label)", "font-size": 9, "color": "#666", "text-rotation": "autorotate",
        "text-background-color": "#fbfcfd", "text-background-opacity": 0.9 } },
      { selector: "edge[type = 'GROUP']", style: { "line-style": "dashed", "target-arrow-shape": "none" } }
    ]
  });

  // The tools above the box and the legend below it.
  var tools = document.createElement("div");
  tools.className = "network-tools";
  tools.setAttribute("role", "toolbar");
  tools.setAttribute("aria-label", "关系网络工具");
  function tool(text, title, action) {
    var button = document.createElement("button");
    button.type = "button"; button.textContent = text; button.title = title;
    button.setAttribute("data-tool", title);
    button.addEventListener("click", action);
    tools.appendChild(button);
    return button;
  }
  function zoomBy(factor) {
    cy.zoom({ level: Math.max(cy.minZoom(), Math.min(cy.maxZoom(), cy.zoom() * factor)),
      renderedPosition: { x: box.clientWidth / 2, y: box.clientHeight / 2 } });
    box.setAttribute("data-zoom", cy.zoom().toFixed(3));
  }
  tool("＋ 放大", "zoom-in", function () { zoomBy(1.25); });
  tool("－ 缩小", "zoom-out", function () { zoomBy(0.8); });
  tool("适应窗口", "fit", function () { cy.fit(undefined, 30); box.setAttribute("data-zoom", cy.zoom().toFixed(3)); });
  tool("重置", "reset", function () {
    cy.elements().remove();
    expand(root);
  });
  box.parentNode.insertBefore(tools, box);
  var legend = document.createElement("div");
  legend.className = "network-legend";
  legend.setAttribute("aria-label", "图例");
  box.parentNode.insertBefore(legend, box.nextSibling);

  function updateLegend() {
    var kinds = {}, edges = {}, groups = false;
    cy.nodes().forEach(function (n) {
      if (n.data("kind") === "Group") { groups = true; kinds[n.data("member_kind")] = true; }
      else { kinds[n.data("kind")] = true; }
    });
    cy.edges().forEach(function (e) { edges[e.data("type")] = true; });
    legend.textContent = "";
    function item(html) { var span = document.createElement("span"); span.innerHTML = html; legend.appendChild(span); }
    item("<b>节点：</b>");
    Object.keys(KINDS).forEach(function (k) {
      if (kinds[k]) {
        item('<span class="swatch" style="background:' + KINDS[k][1] + '"></span>' + KINDS[k][0]);
      }
    });
    if (groups) {
      item('<span class="swatch group" style="background:#dfe3ea;border:1px dashed #7f8c8d"></span>分组（点击展开成员）');
    }
    item("<b>关系：</b>");
    Object.keys(EDGES).forEach(function (t) {
      if (edges[t]) {
        item('<span class="line" style="border-color:' + EDGES[t][1] + '"></span>' + EDGES[t][0]);
      }
    });
    legend.setAttribute("data-kinds", Object.keys(kinds).join(" "));
  }

  function address(node) {
    var id = node.id();
    if (node.data("kind") === "Group") {
      var of = node.data("of").split(":");
      return "/graph/members/" + encodeURIComponent(of[0]) + "/" +
        encodeURIComponent(of.slice(1).join(":")) + "?group=" + encodeURIComponent(node.data("group"));
    }
    var parts = id.split(":");
    var path = GROUPED[parts[0]] ? "/graph/groups/" : "/graph/";
    return path + encodeURIComponent(parts[0]) + "/" + encodeURIComponent(parts.slice(1).join(":"));
  }

  function expand(id) {
    var node = cy.getElementById(id);
    if (node.nonempty() && node.hasClass("expanded")) { return; }
    var url = node.nonempty() ? address(node) :
      "/graph/" + encodeURIComponent(id.split(":")[0]) + "/" + encodeURIComponent(id.split(":").slice(1).join(":"));
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (!res.ok) { note.textContent = res.body.detail || "无法展开该节点"; return; }
        var fresh = res.body.elements.filter(function (e) { return cy.getElementById(e.data.id).empty(); });
        cy.add(fresh);
        cy.getElementById(id).addClass("expanded");
        cy.getElementById(root).addClass("root");
        box.setAttribute("data-nodes", String(cy.nodes().length));
        note.textContent = "共 " + cy.nodes().length + " 个节点" +
          (res.body.grouped ? "；单位、干部库和专业按类别分组显示，点击分组展开成员" : "") +
          (res.body.more ? "；该节点另有 " + res.body.more + " 个关联未显示" : "") +
          "。点击节点继续展开；滚轮或按钮缩放，“重置”回到初始图。";
        layout();
        updateLegend();
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
    box.setAttribute("data-zoom", cy.zoom().toFixed(3));
  }
  cy.on("tap", "node", function (event) { expand(event.target.id()); });
  box.cy = cy;  // for tests and the curious: the graph behind the picture
  expand(root);
})();
