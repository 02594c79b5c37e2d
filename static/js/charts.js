// Charts drawn from the data table next to them: the table is the source and stays readable without
// JavaScript or colour. Each series also differs by line style or bar pattern, never by colour alone.
(function () {
  "use strict";
  var styles = [
    { color: "#b91c1c", dash: [] },
    { color: "#15803d", dash: [6, 4] },
    { color: "#1d4ed8", dash: [2, 3] },
  ];

  function number(cell) {
    return parseFloat((cell.textContent || "0").replace(/[^0-9,-]/g, "").replace(",", ".")) || 0;
  }

  // A row's name without its badges ("lokus"): the cell's own text.
  function label(row) {
    var cell = row.cells[0];
    return (cell.dataset.chartLabel || cell.textContent).trim();
  }

  function draw(canvas) {
    if (!window.Chart || canvas.dataset.drawn) return;
    var table = document.getElementById(canvas.dataset.chartFor);
    if (!table) return;
    var columns = canvas.dataset.chartColumns.split(",").map(Number);
    var headers = table.tHead.rows[0].cells;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows).filter(function (row) { return row.cells.length > 1; });
    var type = canvas.dataset.chartType || "bar";
    // On a phone a bar chart lies on its side: the names stand whole on the left, one bar pair per line.
    var sideways = type === "bar" && canvas.parentElement.clientWidth < 576;
    if (sideways) canvas.parentElement.style.height = rows.length * 34 + 80 + "px";
    var datasets = columns.map(function (column, index) {
      var style = styles[index % styles.length];
      return {
        label: headers[column].textContent.trim(),
        data: rows.map(function (row) { return number(row.cells[column]); }),
        backgroundColor: style.color + (index ? "99" : "dd"),
        borderColor: style.color,
        borderDash: style.dash,
        borderWidth: type === "line" ? 2 : 1,
        pointStyle: ["circle", "rect", "triangle"][index % 3],
      };
    });
    new window.Chart(canvas, {
      type: type,
      data: { labels: rows.map(label), datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false, indexAxis: sideways ? "y" : "x",
        plugins: { legend: { labels: { usePointStyle: true } } },
      },
    });
    canvas.dataset.drawn = "yes";
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart-for]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
