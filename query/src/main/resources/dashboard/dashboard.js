// The dashboard: reads the query API of the origin that served it and renders its answers.
// Every value is put in the page with textContent or as an attribute value, never as markup:
// postback parameters, sub ids and txn ids are whatever anyone sent.
(function () {
  "use strict";

  var STATUSES = ["APPROVED", "PENDING", "REJECTED", "CANCELLED"];
  var FATES = ["ATTRIBUTED", "REJECTED", "PENDING"];
  var DASH = "\u2013";
  var STORAGE_KEY = "attribution-dashboard";
  var TOKEN_KEY = "attribution-dashboard-token";
  var REQUEST_TIMEOUT_MS = 20000;

  var settings;
  // The read token, when the API has tokens: kept for this tab only (sessionStorage), never put in
  // the address or in the settings this browser remembers, sent to this origin only.
  var token = "";
  var selected = null;
  var lastLookup = null;
  var refreshTimer = null;
  var generation = 0;

  // ---- small helpers -------------------------------------------------------------------------

  function $(id) {
    return document.getElementById(id);
  }

  function element(name, attributes, content) {
    var node = document.createElement(name);
    Object.keys(attributes || {}).forEach(function (key) {
      node.setAttribute(key, String(attributes[key]));
    });
    if (content !== undefined && content !== null) {
      node.textContent = String(content);
    }
    return node;
  }

  function ids(text) {
    return (text || "").split(",").map(function (id) {
      return id.trim();
    }).filter(function (id, i, all) {
      return id.length > 0 && all.indexOf(id) === i;
    });
  }

  function todayUtc() {
    return new Date().toISOString().slice(0, 10);
  }

  function nextDay(date) {
    var day = new Date(date + "T00:00:00Z");
    day.setUTCDate(day.getUTCDate() + 1);
    return day.toISOString().slice(0, 10);
  }

  function sum(counts) {
    return Object.keys(counts || {}).reduce(function (total, key) {
      return total + counts[key];
    }, 0);
  }

  /** An amount map {USD: "7.49"} as "7.49 USD"; "0" when empty. The API's strings are shown as they are: exact. */
  function amounts(byCurrency) {
    var currencies = Object.keys(byCurrency || {}).sort();
    if (currencies.length === 0) {
      return "0";
    }
    return currencies.map(function (currency) {
      return byCurrency[currency] + " " + currency;
    }).join(", ");
  }

  /** A field the API may not have yet (clicks, conversion_rate, epc): its value, or a dash. */
  function optional(value) {
    if (value === undefined || value === null) {
      return DASH;
    }
    if (typeof value === "object") {
      return amounts(value);
    }
    return String(value);
  }

  /** A rate "0.25" as "25 %", exactly: the API's decimal string with its point moved, no float in between. */
  function percent(rate) {
    if (rate === undefined || rate === null) {
      return DASH;
    }
    var parts = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(rate));
    if (!parts) {
      return String(rate);
    }
    var fraction = (parts[3] || "") + "00";
    var whole = (parts[2] + fraction.slice(0, 2)).replace(/^0+(?=\d)/, "");
    var rest = fraction.slice(2).replace(/0+$/, "");
    return parts[1] + whole + (rest ? "." + rest : "") + " %";
  }

  // ---- the API -------------------------------------------------------------------------------

  function ApiError(status, body) {
    this.status = status;
    this.body = body || {};
    this.message = "HTTP " + status + (this.body.error ? " " + this.body.error : "")
        + (this.body.message ? ": " + this.body.message : "");
  }

  function get(path, params) {
    var query = new URLSearchParams(params || {}).toString();
    var headers = {Accept: "application/json"};
    if (token) {
      headers.Authorization = "Bearer " + token;
    }
    return fetch(path + (query ? "?" + query : ""), {
      headers: headers,
      credentials: "same-origin",
      cache: "no-store",
      // A question that hangs must not stop the refresh, which waits for every answer.
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
    }).then(function (response) {
      return response.json().catch(function () {
        return {};
      }).then(function (body) {
        if (!response.ok) {
          throw new ApiError(response.status, body);
        }
        return body;
      });
    });
  }

  function segment(id) {
    return encodeURIComponent(id);
  }

  function range() {
    return {from: settings.from, to: nextDay(settings.to), granularity: settings.granularity};
  }

  // ---- settings: the address first (bookmarkable), then what this browser last used ----------

  function readSettings() {
    var url = new URLSearchParams(window.location.search);
    var saved = {};
    try {
      saved = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "{}");
    } catch (ignored) {
      saved = {};
    }
    function pick(name, fallback) {
      var value = url.get(name);
      return value !== null ? value : (saved[name] !== undefined ? saved[name] : fallback);
    }
    var today = todayUtc();
    return {
      campaigns: pick("campaigns", ""),
      goals: pick("goals", ""),
      affiliates: pick("affiliates", ""),
      from: /^\d{4}-\d{2}-\d{2}$/.test(pick("from", "")) ? pick("from", "") : today,
      to: /^\d{4}-\d{2}-\d{2}$/.test(pick("to", "")) ? pick("to", "") : today,
      granularity: pick("granularity", "hour") === "day" ? "day" : "hour",
      refresh: ["0", "10", "30", "60"].indexOf(pick("refresh", "30")) >= 0 ? pick("refresh", "30") : "30",
      campaign: url.get("campaign")
    };
  }

  function showSettings() {
    ["campaigns", "goals", "affiliates", "from", "to", "granularity", "refresh"].forEach(function (name) {
      $(name).value = settings[name];
    });
  }

  function saveSettings() {
    var params = new URLSearchParams();
    ["campaigns", "goals", "affiliates", "from", "to", "granularity", "refresh"].forEach(function (name) {
      settings[name] = $(name).value.trim();
      params.set(name, settings[name]);
    });
    if (selected) {
      params.set("campaign", selected);
    }
    window.history.replaceState(null, "", "?" + params.toString());
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(settings));
    } catch (ignored) {
      // Private windows may refuse storage; the address still keeps the settings.
    }
  }

  function readToken() {
    try {
      return window.sessionStorage.getItem(TOKEN_KEY) || "";
    } catch (ignored) {
      return "";
    }
  }

  function saveToken() {
    token = $("token").value.trim();
    try {
      if (token) {
        window.sessionStorage.setItem(TOKEN_KEY, token);
      } else {
        window.sessionStorage.removeItem(TOKEN_KEY);
      }
    } catch (ignored) {
      // Storage refused: the token still serves until the page is left.
    }
  }

  /** What to tell about a failed answer; a 401 says where the token goes. */
  function explain(error) {
    if (error.status === 401) {
      return (token ? "The query API refused this read token (401)" : "The query API asks for a read token (401)")
          + ": enter yours under What to show.";
    }
    return error.message;
  }

  // ---- rendering -----------------------------------------------------------------------------

  function status(message, isError) {
    var line = $("status");
    line.textContent = message;
    line.classList.toggle("error", Boolean(isError));
  }

  function cell(row, field, value) {
    row.appendChild(element("td", {"data-field": field}, value));
  }

  /** The columns every stats row shows, after its name. */
  function statsCells(row, totals) {
    cell(row, "clicks", optional(totals.clicks));
    STATUSES.forEach(function (state) {
      cell(row, state.toLowerCase(), (totals.conversions || {})[state] || 0);
    });
    cell(row, "postbacks", totals.postbacks_received);
    cell(row, "rejections", sum(totals.rejections));
    cell(row, "revenue", amounts(totals.revenue));
    cell(row, "payout", amounts(totals.payout));
    cell(row, "conversion_rate", percent(totals.conversion_rate));
    cell(row, "epc", optional(totals.epc));
  }

  function errorRow(row, columns, error) {
    row.appendChild(element("td", {colspan: columns, "class": "error-text", "data-field": "error"}, error.message));
  }

  function renderCampaigns(results) {
    var body = $("campaign-table").tBodies[0];
    var rows = results.map(function (result) {
      var row = element("tr", {"data-campaign": result.id});
      if (result.id === selected) {
        row.classList.add("selected");
      }
      var name = element("td", {"data-field": "campaign"});
      var button = element("button", {type: "button", "class": "link"}, result.id);
      button.addEventListener("click", function () {
        select(result.id);
      });
      name.appendChild(button);
      row.appendChild(name);
      if (result.error) {
        errorRow(row, 11, result.error);
      } else {
        statsCells(row, result.stats.total);
      }
      return row;
    });
    if (rows.length === 0) {
      var empty = element("tr");
      empty.appendChild(element("td", {colspan: 12}, "Name a campaign above to see its numbers."));
      rows.push(empty);
    }
    body.replaceChildren.apply(body, rows);
  }

  /** The campaign table's header, its first column renamed: every stats table has the same columns. */
  function headerRow(table, first) {
    var head = $("campaign-table").tHead.cloneNode(true);
    head.rows[0].cells[0].textContent = first;
    table.replaceChildren(head);
    return table.appendChild(element("tbody"));
  }

  function renderBreakdown(table, first, attribute, results) {
    var body = headerRow(table, first);
    results.forEach(function (result) {
      var attributes = {};
      attributes[attribute] = result.id;
      var row = element("tr", attributes);
      row.appendChild(element("td", {"data-field": "id"}, result.id));
      if (result.error) {
        errorRow(row, 11, result.error);
      } else {
        statsCells(row, result.stats.total);
      }
      body.appendChild(row);
    });
    if (results.length === 0) {
      var row = element("tr");
      row.appendChild(element("td", {colspan: 12}, "None named above, and none seen among the refused postbacks."));
      body.appendChild(row);
    }
  }

  /** Every bucket of the range, empty ones too, so the chart's x axis is time, not just busy hours. */
  function chartSeries(stats) {
    var step = stats.granularity === "day" ? 86400000 : 3600000;
    var byStart = {};
    stats.buckets.forEach(function (bucket) {
      byStart[Date.parse(bucket.start)] = bucket;
    });
    var labels = [];
    var clicks = [];
    var converted = [];
    var start = Date.parse(stats.from);
    var end = Date.parse(stats.to);
    for (var at = start; at < end && labels.length < 24 * 62; at += step) {
      var bucket = byStart[at] || {};
      var iso = new Date(at).toISOString();
      labels.push(stats.granularity === "day" ? iso.slice(5, 10) : iso.slice(11, 13) + "h");
      clicks.push(typeof bucket.clicks === "number" ? bucket.clicks : 0);
      converted.push(sum(bucket.conversions));
    }
    return {labels: labels, clicks: clicks, conversions: converted};
  }

  function renderChart(stats) {
    var series = chartSeries(stats);
    var hasClicks = stats.total.clicks !== undefined;
    window.BarChart.render($("chart"), {
      title: "Clicks and conversions per " + stats.granularity,
      labels: series.labels,
      series: [
        {name: "clicks", color: "#4c78a8", values: series.clicks},
        {name: "conversions", color: "#e45756", values: series.conversions}
      ]
    });
    var caption = $("chart-caption");
    caption.replaceChildren(
        element("span", {"class": "legend-clicks"}, "clicks"),
        document.createTextNode(" and "),
        element("span", {"class": "legend-conversions"}, "conversions"),
        document.createTextNode(" per " + stats.granularity + " (UTC)"
            + (hasClicks ? "" : "; this API version counts no clicks yet")));
  }

  function renderReasons(rejections) {
    var table = $("reason-table");
    var head = element("thead");
    var titles = element("tr");
    titles.appendChild(element("th", {scope: "col"}, "Reason"));
    titles.appendChild(element("th", {scope: "col"}, "Postbacks"));
    head.appendChild(titles);
    var body = element("tbody");
    var reasons = Object.keys(rejections || {}).sort(function (a, b) {
      return rejections[b] - rejections[a];
    });
    reasons.forEach(function (reason) {
      var row = element("tr", {"data-reason": reason});
      row.appendChild(element("td", {}, reason));
      row.appendChild(element("td", {"data-field": "count"}, rejections[reason]));
      body.appendChild(row);
    });
    if (reasons.length === 0) {
      var row = element("tr");
      row.appendChild(element("td", {colspan: 2}, "No refused postbacks in this range."));
      body.appendChild(row);
    }
    table.replaceChildren(head, body);
  }

  function lookupButton(requestId, clickId) {
    var button = element("button", {type: "button", "class": "link"}, requestId);
    button.addEventListener("click", function () {
      $("lookup-request").value = requestId;
      $("lookup-click").value = clickId || "";
      lookup({requestId: requestId, clickId: clickId || ""});
    });
    return button;
  }

  function renderRecentRejections(list) {
    var table = $("rejection-table");
    var head = element("thead");
    var titles = element("tr");
    ["Refused at", "Reason", "Detail", "Click id", "Goal", "Affiliate", "Request id"].forEach(function (title) {
      titles.appendChild(element("th", {scope: "col"}, title));
    });
    head.appendChild(titles);
    var body = element("tbody");
    list.rejections.forEach(function (rejection) {
      var row = element("tr", {"data-request": rejection.request_id});
      row.appendChild(element("td", {}, rejection.rejected_at));
      row.appendChild(element("td", {}, rejection.reason));
      row.appendChild(element("td", {}, rejection.detail));
      row.appendChild(element("td", {}, rejection.click_id));
      row.appendChild(element("td", {}, rejection.goal_id || DASH));
      row.appendChild(element("td", {}, rejection.affiliate_id || DASH));
      var request = element("td");
      request.appendChild(lookupButton(rejection.request_id, rejection.click_id));
      row.appendChild(request);
      body.appendChild(row);
    });
    if (list.rejections.length === 0) {
      var row = element("tr");
      row.appendChild(element("td", {colspan: 7}, "None in the last 7 days."));
      body.appendChild(row);
    }
    table.replaceChildren(head, body);
  }

  // ---- loading -------------------------------------------------------------------------------

  function settle(promise, id) {
    return promise.then(function (stats) {
      return {id: id, stats: stats};
    }, function (error) {
      return {id: id, error: error};
    });
  }

  function campaignStats(id) {
    return settle(get("/stats/campaigns/" + segment(id), range()), id);
  }

  function loadDetail(campaign, mine) {
    var recent = get("/campaigns/" + segment(campaign) + "/rejections", {limit: 50});
    return Promise.all([campaignStats(campaign), recent.catch(function (error) {
      return {error: error, rejections: []};
    })]).then(function (answers) {
      var stats = answers[0];
      var rejections = answers[1];
      // Goals and affiliates to break down: those named, and those seen among the refused postbacks.
      var goals = ids(settings.goals);
      var affiliates = ids(settings.affiliates);
      rejections.rejections.forEach(function (rejection) {
        if (rejection.goal_id && goals.indexOf(rejection.goal_id) < 0) {
          goals.push(rejection.goal_id);
        }
        if (rejection.affiliate_id && affiliates.indexOf(rejection.affiliate_id) < 0) {
          affiliates.push(rejection.affiliate_id);
        }
      });
      return Promise.all([
        Promise.all(goals.map(function (goal) {
          return settle(get("/stats/goals/" + segment(campaign) + "/" + segment(goal), range()), goal);
        })),
        Promise.all(affiliates.map(function (affiliate) {
          return settle(get("/stats/affiliates/" + segment(affiliate), range()), affiliate);
        }))
      ]).then(function (breakdowns) {
        if (mine !== generation) {
          return;
        }
        $("campaign-detail").hidden = false;
        $("detail-campaign").textContent = campaign;
        if (stats.error) {
          $("chart").replaceChildren(element("p", {"class": "error-text"}, stats.error.message));
          renderReasons({});
        } else {
          renderChart(stats.stats);
          renderReasons(stats.stats.total.rejections);
        }
        renderBreakdown($("goal-table"), "Goal", "data-goal", breakdowns[0]);
        renderBreakdown($("affiliate-table"), "Affiliate", "data-affiliate", breakdowns[1]);
        renderRecentRejections(rejections);
        if (rejections.error) {
          throw rejections.error;
        }
      });
    });
  }

  function load() {
    var mine = ++generation;
    clearTimeout(refreshTimer);
    var campaigns = ids(settings.campaigns);
    if (selected === null || campaigns.indexOf(selected) < 0) {
      selected = campaigns.length > 0 ? campaigns[0] : null;
    }
    status("Loading\u2026", false);
    var overview = Promise.all(campaigns.map(campaignStats)).then(function (results) {
      if (mine === generation) {
        renderCampaigns(results);
      }
      return results.filter(function (result) {
        return result.error;
      });
    });
    var detail = selected === null ? Promise.resolve() : loadDetail(selected, mine);
    if (selected === null) {
      $("campaign-detail").hidden = true;
    }
    var again = lastLookup ? lookup(lastLookup) : Promise.resolve();
    return Promise.all([overview, detail, again]).then(function (answers) {
      var failed = answers[0];
      if (mine !== generation) {
        return;
      }
      if (failed.length > 0) {
        status("Some numbers are missing: " + explain(failed[0].error), true);
      } else {
        status("Updated " + new Date().toISOString().slice(11, 19) + " UTC", false);
      }
    }).catch(function (error) {
      if (mine === generation) {
        status("The query API did not answer: " + explain(error), true);
      }
    }).then(function () {
      if (mine === generation && Number(settings.refresh) > 0) {
        refreshTimer = setTimeout(load, Number(settings.refresh) * 1000);
      }
    });
  }

  function select(campaign) {
    selected = campaign;
    saveSettings();
    load();
  }

  // ---- postback lookup -----------------------------------------------------------------------

  function facts(pairs) {
    var list = element("dl", {"class": "facts"});
    pairs.forEach(function (pair) {
      if (pair[1] === undefined || pair[1] === null) {
        return;
      }
      list.appendChild(element("dt", {}, pair[0]));
      list.appendChild(element("dd", {"data-fact": pair[0]}, pair[1]));
    });
    return list;
  }

  /** Parameters as sent: name -> value, or name -> [values] for a raw postback. */
  function parameters(title, params) {
    var names = Object.keys(params || {});
    var box = element("div");
    box.appendChild(element("h3", {}, title));
    if (names.length === 0) {
      box.appendChild(element("p", {}, "none"));
      return box;
    }
    var table = element("table", {"class": "parameters"});
    var body = element("tbody");
    names.sort().forEach(function (name) {
      var value = params[name];
      var row = element("tr");
      row.appendChild(element("th", {scope: "row"}, name));
      row.appendChild(element("td", {"data-param": name}, Array.isArray(value) ? value.join(", ") : value));
      body.appendChild(row);
    });
    table.appendChild(body);
    box.appendChild(table);
    return box;
  }

  function fateBadge(state) {
    // The class comes from a fixed list, never from the answer as such.
    var known = FATES.indexOf(state) >= 0 ? state : "";
    return element("p", {"class": "fate " + known, "data-fate": known}, state);
  }

  function renderFate(fate) {
    var box = element("div", {"class": "fate-box", "data-request": fate.request_id});
    box.appendChild(fateBadge(fate.state));
    var base = [["request id", fate.request_id], ["click id", fate.click_id]];
    if (fate.state === "ATTRIBUTED") {
      var c = fate.conversion;
      box.appendChild(facts(base.concat([
        ["decided at", fate.decided_at], ["conversion", c.conversion_id], ["status", c.status],
        ["previous status", c.previous_status], ["reason", c.status_reason], ["campaign", c.campaign_id],
        ["affiliate", c.affiliate_id], ["goal", c.goal_id], ["txn id", c.txn_id],
        ["revenue", c.revenue + " " + c.currency], ["payout", c.payout + " " + c.currency]])));
      box.appendChild(parameters("Click sub ids", c.subs));
      box.appendChild(parameters("Postback parameters", c.params));
    } else if (fate.state === "REJECTED") {
      var r = fate.rejection;
      box.appendChild(facts(base.concat([
        ["decided at", fate.decided_at], ["reason", r.reason], ["detail", r.detail], ["campaign", r.campaign_id],
        ["goal", r.goal_id], ["affiliate", r.affiliate_id]])));
      box.appendChild(parameters("Query parameters", r.postback.query_params));
      box.appendChild(parameters("Body parameters", r.postback.body_params));
    } else {
      box.appendChild(facts(base.concat([["received at", fate.received_at],
        ["reason", "waiting for its click within the unknown-click grace"]])));
      box.appendChild(parameters("Query parameters", fate.postback.query_params));
      box.appendChild(parameters("Body parameters", fate.postback.body_params));
    }
    return box;
  }

  function lookupByRequest(question) {
    var params = question.clickId ? {click_id: question.clickId} : {};
    return get("/postbacks/" + segment(question.requestId), params).then(renderFate, function (error) {
      if (error.status === 404) {
        return element("p", {"class": "error-text", "data-fate": "NOT_FOUND"},
            "No postback with request id " + question.requestId
            + (question.clickId ? " and click id " + question.clickId : "")
            + ": unknown, or decided more than 7 days ago.");
      }
      throw error;
    });
  }

  /** A click's story: the click, its conversions, and its refused postbacks among its campaign's latest. */
  function lookupByClick(clickId) {
    return get("/clicks/" + segment(clickId)).then(function (answer) {
      var click = answer.click;
      return Promise.all([
        get("/clicks/" + segment(clickId) + "/conversions"),
        get("/campaigns/" + segment(click.campaign_id) + "/rejections", {limit: 1000})
      ]).then(function (answers) {
        var box = element("div", {"class": "click-box", "data-click": clickId});
        box.appendChild(facts([["click id", click.click_id], ["campaign", click.campaign_id],
          ["affiliate", click.affiliate_id], ["clicked at", click.clicked_at]]));
        box.appendChild(parameters("Click sub ids", click.subs));
        var table = element("table");
        var head = element("tr");
        ["Fate", "Status or reason", "Request id", "At"].forEach(function (title) {
          head.appendChild(element("th", {scope: "col"}, title));
        });
        table.appendChild(element("thead")).appendChild(head);
        var body = table.appendChild(element("tbody"));
        answers[0].conversions.forEach(function (c) {
          var row = element("tr");
          row.appendChild(element("td", {}, "ATTRIBUTED"));
          row.appendChild(element("td", {}, c.status + (c.status_reason ? " (" + c.status_reason + ")" : "")));
          row.appendChild(element("td")).appendChild(lookupButton(c.request_id, clickId));
          row.appendChild(element("td", {}, c.converted_at));
          body.appendChild(row);
        });
        answers[1].rejections.filter(function (r) {
          return r.click_id === clickId;
        }).forEach(function (r) {
          var row = element("tr");
          row.appendChild(element("td", {}, "REJECTED"));
          row.appendChild(element("td", {}, r.reason + ": " + r.detail));
          row.appendChild(element("td")).appendChild(lookupButton(r.request_id, clickId));
          row.appendChild(element("td", {}, r.rejected_at));
          body.appendChild(row);
        });
        if (!body.firstChild) {
          var none = element("tr");
          none.appendChild(element("td", {colspan: 4}, "No postback for this click yet."));
          body.appendChild(none);
        }
        box.appendChild(element("h3", {}, "Its postbacks"));
        box.appendChild(element("div", {"class": "scroll"})).appendChild(table);
        return box;
      });
    }, function (error) {
      if (error.status === 404) {
        return element("p", {"class": "error-text", "data-fate": "NOT_FOUND"},
            "No click " + clickId + ": unknown, or older than the click retention.");
      }
      throw error;
    });
  }

  function lookup(question) {
    lastLookup = question;
    var result = $("lookup-result");
    var answer = question.requestId ? lookupByRequest(question) : lookupByClick(question.clickId);
    return answer.then(function (node) {
      if (lastLookup === question) {
        result.replaceChildren(node);
      }
    }, function (error) {
      if (lastLookup === question) {
        result.replaceChildren(element("p", {"class": "error-text"}, "The query API did not answer: " + explain(error)));
      }
    });
  }

  // ---- start ---------------------------------------------------------------------------------

  document.addEventListener("DOMContentLoaded", function () {
    settings = readSettings();
    selected = settings.campaign || null;
    showSettings();
    token = readToken();
    $("token").value = token;
    $("settings").addEventListener("submit", function (event) {
      event.preventDefault();
      saveToken();
      saveSettings();
      load();
    });
    $("lookup").addEventListener("submit", function (event) {
      event.preventDefault();
      var requestId = $("lookup-request").value.trim();
      var clickId = $("lookup-click").value.trim();
      if (!requestId && !clickId) {
        $("lookup-result").replaceChildren(element("p", {"class": "error-text"}, "Give a request id, a click id, or both."));
        return;
      }
      lookup({requestId: requestId, clickId: clickId});
    });
    load();
  });
})();
