/* The account map's behaviour: build the vis-network from the embedded records,
 * stop the physics once the layout has settled, search, filters, details.
 *
 * User text only ever reaches the page through textContent (tooltips are DOM
 * elements, labels are drawn on the canvas), never through innerHTML.
 */
(function () {
  "use strict";
  var timing = { start: performance.now() };
  var data = JSON.parse(document.getElementById("relgraph-data").textContent);
  data.edges = edgeRecords(data);
  var P = data.palette;
  var ROLE = data.role_labels;
  var count = data.nodes.length;
  var big = count > 1000;
  var org = data.layout === "org";

  /* The edges travel as columns (see page_html); rebuild one record per edge. */
  function edgeRecords(d) {
    var t = d.edge_table, out = new Array(t.from.length), step = 0;
    for (var i = 0; i < t.from.length; i++) {
      var e = { from: d.nodes[t.from[i]].id, to: d.nodes[t.to[i]].id, type: t.types[t.type[i]] };
      var v = t.value[i];
      if (e.type === "KNOWS") { e.strength = v; e.strong = v >= d.strong; }
      else if (e.type === "REPORTS_TO" || e.type === "INFLUENCES") e.weight = v;
      else if (e.type === "PATH") { e.p = v; e.step = step++; }
      out[i] = e;
    }
    return out;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });

  /* Relationships per contact and strong threads per staff member, for the details. */
  var knowsOf = {}, strongOf = {};
  data.edges.forEach(function (e) {
    if (e.type !== "KNOWS") return;
    (knowsOf[e.to] = knowsOf[e.to] || []).push(e);
    if (e.strong) strongOf[e.from] = (strongOf[e.from] || 0) + 1;
  });

  function strengthText(v) {
    var name = data.strength_names[String(Math.floor(v))];
    return v.toFixed(1) + (name ? " (" + name + ")" : "");
  }

  /* What the hover and the panel show about a node: [label, value] pairs. */
  function details(n) {
    var rows = [];
    function add(k, v) { if (v !== undefined && v !== null && v !== "") rows.push([k, String(v)]); }
    if (n.kind === "Contact") {
      add("Title", n.title);
      add("Role", ROLE[n.role] + (n.key ? " (key contact)" : ""));
      add("Level", n.level_name);
      add("Unit", n.unit);
      add("Influence", n.influence + " / 5");
      add("Seniority", n.seniority + " / 5");
      add("Attitude", n.attitude + (n.coach ? ", coach" : ""));
      var mine = (knowsOf[n.id] || []).slice().sort(function (a, b) { return b.strength - a.strength; });
      var strongNames = mine.filter(function (e) { return e.strong; }).map(function (e) { return byId[e.from].label; });
      add("Threads", n.threads === 0 ? "0: nobody holds a strong relationship"
        : n.threads + ": " + strongNames.join(", ") + (n.threads === 1 ? " (single-threaded)" : ""));
      add("Known by", mine.length ? mine.map(function (e) { return byId[e.from].label + " " + strengthText(e.strength); }).join("; ") : "nobody");
      add("Cell", n.cell ? n.level_name + " × " + ROLE[n.role] + ": " + n.cell : null);
      if (n.flag === "gap") add("Gap", "no strong relationship here");
      add("Email", n.email);
      add("Phone", n.phone);
      add("Id", n.ref);
      add("Notes", n.notes);
    } else if (n.kind === "Staff") {
      add("Title", n.title);
      add("Role", n.role);
      add("Account team", n.team_role !== undefined ? (n.team_role || "yes") : "no");
      add("Seniority", n.seniority !== undefined ? n.seniority + " / 5" : null);
      add("Office", n.office);
      add("In role since", n.in_role_since);
      add("Strong threads", strongOf[n.id] || 0);
      add("Active", n.active ? "yes" : "no (left: relationships count 0)");
      add("Id", n.ref);
    } else if (n.kind === "Unit") {
      add("Level", n.unit_level);
      add("Function", n.function);
      add("Id", n.ref);
    } else if (n.kind === "Account") {
      add("Grade", n.grade);
      add("Industry", n.industry);
      add("Region", n.region);
      add("Id", n.ref);
    } else {
      add("Blind spot", "no " + ROLE[n.role] + " contact known at " + n.level_name + " level");
      add("Next step", "find and meet one");
    }
    return rows;
  }

  var KIND_NAME = { Contact: "Contact", Staff: "Our staff", Unit: "Unit", Account: "Account", Gap: "Blind spot" };

  /* Details as DOM built with textContent: never parsed as HTML. */
  function detailsElement(n, cls) {
    var box = el("div", cls);
    box.appendChild(el("div", "head", n.label));
    box.appendChild(el("div", "kind", KIND_NAME[n.kind]));
    details(n).forEach(function (pair) {
      var row = el("div", "row");
      row.appendChild(el("span", "k", pair[0]));
      row.appendChild(el("span", "v", pair[1]));
      box.appendChild(row);
    });
    return box;
  }

  function edgeTitle(e) {
    var a = byId[e.from], b = byId[e.to];
    if (e.type === "KNOWS") {
      return a.label + " → " + b.label + ": effective strength " + strengthText(e.strength) + ", " +
        (e.strong ? "strong" : e.strength > 0 ? "weak" : "inactive");
    }
    if (e.type === "REPORTS_TO") return a.label + " reports to " + b.label + " (weight " + e.weight + ")";
    if (e.type === "INFLUENCES") return a.label + " influences " + b.label + " (weight " + e.weight + ")";
    if (e.type === "PATH") return "Best path, step " + (e.step + 1) + ": " + a.label + " → " + b.label + ", p = " + e.p.toFixed(2);
    return undefined;
  }

  var onPath = {};
  if (data.path) data.path.nodes.forEach(function (id) { onPath[id] = true; });

  /* Who stays named when zoomed out: key and flagged contacts, staff, units, blind
     spots and the account; other contacts' names appear as you zoom in. */
  var NAMED = { label: { drawThreshold: 1, maxVisible: 28 } };

  function contactStyle(n) {
    var att = n.attitude;
    var s = {
      shape: "dot",
      size: 5 + 3 * n.influence,
      borderWidth: att === "supporter" || att === "opponent" ? (big ? 3 : 4) : 2,
      borderWidthSelected: 5,
      color: {
        background: P.role[n.role],
        border: P.attitude[att],
        highlight: { background: P.role[n.role], border: "#000" },
        hover: { background: P.role[n.role], border: "#000" }
      },
      font: { size: n.key ? 19 : 14, color: "#212121", strokeWidth: 5, strokeColor: "#ffffff" }
    };
    if (n.key || n.flag) s.scaling = NAMED;
    if (n.flag) s.shadow = { enabled: true, color: P.flag[n.flag], size: 30, x: 0, y: 0 };
    if (att === "unknown") s.shapeProperties = { borderDashes: [3, 3] };
    return s;
  }

  function nodeStyle(n) {
    if (n.kind === "Contact") return contactStyle(n);
    if (n.kind === "Staff") {
      var c = n.active ? P.staff : P.staff_inactive;
      return {
        shape: "diamond", size: 14, scaling: NAMED,
        color: { background: c, border: c, highlight: { background: c, border: "#000" } },
        font: { size: 18, color: n.active ? "#102027" : "#90a4ae", strokeWidth: 5, strokeColor: "#ffffff" }
      };
    }
    if (n.kind === "Unit") {
      return {
        shape: "box", margin: 5, borderWidth: 1, scaling: NAMED,
        color: { background: P.unit, border: P.unit_border, highlight: { background: "#fff", border: "#000" } },
        font: { size: 15, color: "#455a64" }
      };
    }
    if (n.kind === "Account") {
      return {
        shape: "box", margin: 10, borderWidth: 0, scaling: NAMED,
        color: { background: P.account, border: P.account, highlight: { background: "#000", border: "#000" } },
        font: { size: 24, color: "#ffffff" }
      };
    }
    /* a blind spot */
    return {
      shape: "ellipse", borderWidth: 2, margin: 6, scaling: NAMED,
      shapeProperties: { borderDashes: [5, 4] },
      color: { background: "#ffffff", border: P.gap_node, highlight: { background: "#fff5f5", border: P.gap_node } },
      font: { size: 19, color: P.gap_node }
    };
  }

  /* A structured starting layout, so that the physics only has to relax it (a
     random start needs hundreds of iterations, too slow for thousands of nodes):
     units on rings around the account by depth, each with an angular share of its
     ring in proportion to the people below it; each unit's contacts on a sunflower
     spiral around it; staff where the people they know are; blind spots beside
     the unit they hang from. */
  function startPositions() {
    var pos = {}, parent = {}, kids = {}, members = {}, own = {};
    var account = data.nodes[0].id;
    data.edges.forEach(function (e) {
      if (e.type === "PART_OF") { parent[e.from] = e.to; (kids[e.to] = kids[e.to] || []).push(e.from); }
      else if (e.type === "WORKS_IN" || e.type === "AT") (members[e.to] = members[e.to] || []).push(e.from);
    });
    var SPACING = 34;
    function clusterRadius(u) { return SPACING * Math.sqrt((members[u] || []).length + 1); }
    /* weight of a subtree: the area its clusters need */
    var weight = {};
    function weigh(root) {
      var order = [root], i;
      for (i = 0; i < order.length; i++) (kids[order[i]] || []).forEach(function (k) { if (!(k in weight)) { weight[k] = 0; order.push(k); } });
      for (i = order.length - 1; i >= 0; i--) {
        var u = order[i], w = Math.pow(clusterRadius(u), 2);
        (kids[u] || []).forEach(function (k) { w += weight[k]; });
        weight[u] = w;
      }
    }
    weight[account] = 0;
    weigh(account);
    var maxR = 0;
    Object.keys(members).forEach(function (u) { maxR = Math.max(maxR, clusterRadius(u)); });
    var ring = 2 * maxR + 60;
    pos[account] = { x: 0, y: 0 };
    var stack = [[account, 0, 2 * Math.PI, 0]];
    while (stack.length) {
      var item = stack.pop(), u = item[0], a0 = item[1], a1 = item[2], depth = item[3];
      var ks = kids[u] || [], total = 0;
      ks.forEach(function (k) { total += weight[k]; });
      var a = a0;
      ks.forEach(function (k) {
        var span = total ? (a1 - a0) * weight[k] / total : (a1 - a0) / ks.length;
        var mid = a + span / 2, r = (depth + 1) * ring;
        pos[k] = { x: r * Math.cos(mid), y: r * Math.sin(mid) };
        stack.push([k, a, a + span, depth + 1]);
        a += span;
      });
    }
    Object.keys(members).forEach(function (u) {
      var c = pos[u] || { x: 0, y: 0 };
      members[u].forEach(function (m, k) {
        var r = SPACING * Math.sqrt(k + 1), t = k * 2.39996;
        pos[m] = { x: c.x + r * Math.cos(t), y: c.y + r * Math.sin(t) };
      });
    });
    var sums = {};
    data.edges.forEach(function (e) {
      if (e.type !== "KNOWS" || !pos[e.to]) return;
      var s = sums[e.from] = sums[e.from] || { x: 0, y: 0, w: 0 };
      var w = 0.2 + e.strength;
      s.x += w * pos[e.to].x; s.y += w * pos[e.to].y; s.w += w;
    });
    data.nodes.forEach(function (n, i) {
      if (pos[n.id]) return;
      var t = i * 2.39996, r = 30;
      if (n.kind === "Staff" && sums[n.id]) pos[n.id] = { x: sums[n.id].x / sums[n.id].w + r * Math.cos(t), y: sums[n.id].y / sums[n.id].w + r * Math.sin(t) };
      else if (n.kind === "Gap" && pos[n.anchor]) pos[n.id] = { x: pos[n.anchor].x + 2 * r * Math.cos(t), y: pos[n.anchor].y + 2 * r * Math.sin(t) };
      else { r = ring * 0.5 + 10 * Math.sqrt(i); pos[n.id] = { x: r * Math.cos(t), y: r * Math.sin(t) }; }
    });
    return pos;
  }
  var start = org ? null : startPositions();

  var visNodes = data.nodes.map(function (n) {
    var v = nodeStyle(n);
    v.id = n.id;
    v.label = n.label;
    v.kind = n.kind;
    v.ref = n.ref;
    v.role = n.role;
    v.flag = n.flag;
    v.title = detailsElement(n, "rg-tip");
    if (org) v.level = n.level;
    else { v.x = start[n.id].x; v.y = start[n.id].y; }
    if (onPath[n.id] && n.kind === "Contact") {
      v.color.border = P.path;
      v.borderWidth = 6;
    }
    if (n.id === data.target) { /* the contact to reach: bigger, gold, always named */
      v.size += 8;
      v.borderWidth = 8;
      v.font = { size: 24, color: "#000000", strokeWidth: 6, strokeColor: "#fff7d6" };
      v.scaling = NAMED;
    }
    return v;
  });

  function edgeStyle(e) {
    switch (e.type) {
      case "KNOWS":
        return { color: { color: e.strong ? P.knows_strong : P.knows_weak, opacity: e.strong ? 0.85 : 0.9 },
                 dashes: e.strong ? false : [6, 4], length: 150 };
      case "REPORTS_TO":
        return { color: { color: P.reports_to }, arrows: { to: { enabled: true, scaleFactor: 0.6 } }, length: 90 };
      case "INFLUENCES":
        return { color: { color: P.influences }, dashes: [8, 5], arrows: { to: { enabled: true, scaleFactor: 0.7 } }, length: 110 };
      case "ON_TEAM":
        return { color: { color: P.team, opacity: 0.8 }, dashes: [2, 4], length: 160 };
      case "Gap":
        return { color: { color: P.gap_node, opacity: 0.5 }, dashes: [4, 4], length: 70 };
      case "PATH":
        return { color: { color: P.path, opacity: 0.95 }, arrows: { to: { enabled: true, scaleFactor: 0.9 } },
                 smooth: { enabled: true, type: "curvedCW", roundness: 0.18 }, physics: false,
                 label: "p " + e.p.toFixed(2), font: { size: 13, color: "#5d4400", strokeWidth: 4, strokeColor: "#fff", align: "middle" } };
      default: /* PART_OF, WORKS_IN, AT: the organisation */
        return { color: { color: P.structure }, length: 60 };
    }
  }

  var visEdges = data.edges.map(function (e, i) {
    var v = edgeStyle(e);
    v.id = e.type === "PATH" ? "path:" + e.step : "e" + i;
    v.from = e.from;
    v.to = e.to;
    v.type = e.type;
    v.width = e.type === "KNOWS" ? Math.max(1, 1.6 * e.strength)
      : e.type === "INFLUENCES" ? 1 + e.weight / 2
      : e.type === "REPORTS_TO" ? 1.5
      : e.type === "PATH" ? 9 : 1;
    if (e.type === "PATH") v.step = e.step;
    var title = edgeTitle(e);
    if (title) v.title = title; /* plain text: vis shows a string title with innerText */
    return v;
  });

  timing.styled = performance.now();
  var nodes = new vis.DataSet(visNodes);
  var edges = new vis.DataSet(visEdges);

  /* Filters: roles shown, and the staff member whose relationships are shown. */
  var rolesOn = {};
  Object.keys(ROLE).forEach(function (r) { rolesOn[r] = true; });
  var onlyIds = null;
  function nodeShown(n) {
    if ((n.kind === "Contact" || n.kind === "Gap") && !rolesOn[n.role]) return false;
    if (onlyIds && !onlyIds[n.id]) return false;
    return true;
  }
  var nodesView = new vis.DataView(nodes, { filter: nodeShown });
  var edgesView = new vis.DataView(edges, {
    filter: function (e) { return nodeShown(byId[e.from]) && nodeShown(byId[e.to]); }
  });

  /* Physics relaxes the starting layout, then stops for good: a fixed number of
     iterations sized to the graph, cut short after a time budget on slow machines. */
  var iterations = count <= 200 ? 500 : count <= 1000 ? 250 : count <= 3000 ? 100 : 40;
  var BUDGET_MS = 3000;
  var options = {
    autoResize: true,
    layout: { randomSeed: 7, improvedLayout: count <= 150 },
    /* Labels smaller than 9px on screen are not drawn: zoomed out, only the key
       contacts, staff, units and the account are named; zoom in for everyone. */
    nodes: { font: { face: "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif" },
             scaling: { label: { drawThreshold: 8, maxVisible: 28 } } },
    edges: { smooth: big || org ? false : { enabled: true, type: "continuous", roundness: 0.3 }, selectionWidth: 2, hoverWidth: 1 },
    interaction: { hover: !big, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: count > 3000, navigationButtons: false, keyboard: false, multiselect: true },
    physics: org ? false : {
      enabled: true,
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -38, centralGravity: 0.015, springLength: 60, springConstant: 0.08, damping: 0.5, avoidOverlap: 0.6 },
      minVelocity: 1.5,
      stabilization: { enabled: true, iterations: iterations, updateInterval: big ? 5 : 25, fit: true }
    }
  };
  if (org) {
    options.layout.hierarchical = {
      enabled: true, direction: "UD", sortMethod: "directed", shakeTowards: "roots",
      levelSeparation: 130, nodeSpacing: 150, treeSpacing: 180, blockShifting: true, edgeMinimization: !big, parentCentralization: true
    };
  }

  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodesView, edges: edgesView }, options);
  timing.network = performance.now();
  var bar = document.querySelector("#progress .bar span");

  function ready() {
    timing.ready = performance.now();
    document.body.setAttribute("data-state", "ready");
    api.ready = true;
  }
  if (org) {
    network.once("afterDrawing", function () { network.fit(); ready(); });
  } else {
    var began = performance.now();
    network.on("stabilizationProgress", function (p) {
      bar.style.width = Math.round(100 * p.iterations / p.total) + "%";
      if (performance.now() - began > BUDGET_MS) network.stopSimulation();
    });
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: false });
      network.fit();
      ready();
    });
  }

  /* Details of the selected node, in the panel. */
  var detailsBox = document.getElementById("details");
  var detailsBody = document.getElementById("details-body");
  function showDetails(id) {
    var n = byId[id];
    detailsBody.textContent = "";
    if (!n) { detailsBox.hidden = true; return; }
    detailsBody.appendChild(detailsElement(n, "rg-details"));
    detailsBox.hidden = false;
  }
  network.on("click", function (params) {
    if (params.nodes.length) showDetails(params.nodes[0]);
  });

  function focusNodes(ids) {
    ids = ids.filter(function (id) { return nodesView.get(id); });
    if (!ids.length) return;
    network.selectNodes(ids);
    if (ids.length === 1) {
      network.focus(ids[0], { scale: Math.max(network.getScale(), 1.1), animation: { duration: 400 } });
    } else {
      network.fit({ nodes: ids, animation: { duration: 400 } });
    }
    showDetails(ids[0]);
  }

  /* Search by name: exact matches first, else every name containing the text. */
  var search = document.getElementById("search");
  var names = document.getElementById("names");
  data.nodes.forEach(function (n) {
    if (n.kind === "Contact" || n.kind === "Staff") {
      var o = document.createElement("option");
      o.value = n.label;
      names.appendChild(o);
    }
  });
  var result = document.getElementById("search-result");
  function find(text) {
    var q = text.trim().toLowerCase();
    if (!q) return [];
    var people = data.nodes.filter(function (n) { return n.kind === "Contact" || n.kind === "Staff" || n.kind === "Unit"; });
    var exact = people.filter(function (n) { return n.label.toLowerCase() === q; });
    var hits = exact.length ? exact : people.filter(function (n) { return n.label.toLowerCase().indexOf(q) >= 0; });
    return hits.map(function (n) { return n.id; });
  }
  function runSearch() {
    var ids = find(search.value);
    if (!search.value.trim()) { result.textContent = ""; return; }
    var shown = ids.filter(function (id) { return nodesView.get(id); });
    result.textContent = ids.length === 0 ? "Nobody by that name."
      : shown.length === ids.length ? ids.length + (ids.length === 1 ? " match" : " matches")
      : ids.length + " matches, " + (ids.length - shown.length) + " hidden by the filters";
    network.unselectAll();
    focusNodes(ids);
  }
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); runSearch(); } });
  search.addEventListener("change", runSearch);

  /* Panel lists and matrix cells jump to their nodes. */
  Array.prototype.forEach.call(document.querySelectorAll("[data-node]"), function (b) {
    b.addEventListener("click", function () { focusNodes([b.getAttribute("data-node")]); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("button.cell"), function (b) {
    b.addEventListener("click", function () {
      var level = b.getAttribute("data-level"), role = b.getAttribute("data-role");
      var cell = data.cells.filter(function (c) { return c.level === level && c.role === role; })[0];
      var ids = cell && cell.contacts && cell.contacts.length
        ? cell.contacts.map(function (c) { return "Contact:" + c; })
        : ["Gap:" + level + "|" + role];
      focusNodes(ids);
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("#role-filter input"), function (box) {
    box.addEventListener("change", function () {
      rolesOn[box.value] = box.checked;
      nodesView.refresh();
      edgesView.refresh();
    });
  });
  document.getElementById("staff-filter").addEventListener("change", function (ev) {
    var s = ev.target.value;
    if (!s) {
      onlyIds = null;
    } else {
      onlyIds = {};
      onlyIds[s] = true;
      data.nodes.forEach(function (n) { if (n.kind === "Account" || n.kind === "Unit") onlyIds[n.id] = true; });
      data.edges.forEach(function (e) { if (e.type === "KNOWS" && e.from === s) onlyIds[e.to] = true; });
    }
    nodesView.refresh();
    edgesView.refresh();
  });

  /* For tests and power users: the network and its data. */
  var api = {
    ready: false,
    timing: timing,
    data: data,
    network: network,
    nodes: nodes,
    edges: edges,
    nodesView: nodesView,
    edgesView: edgesView,
    find: find,
    pathNodes: function () {
      var steps = edges.get({ filter: function (e) { return e.type === "PATH"; } })
        .sort(function (a, b) { return a.step - b.step; });
      return steps.length ? [steps[0].from].concat(steps.map(function (e) { return e.to; })) : [];
    }
  };
  window.relgraphMap = api;
})();
