/* budget-author serve: the only script. Drag and drop onto the upload area, and the build's progress.
   Pages work without it (file picker; the progress page refreshes itself). */
(function () {
  "use strict";

  var zone = document.querySelector("[data-drop]");
  if (zone) {
    var form = zone.closest("form");
    var input = zone.querySelector("input[type=file]");
    var shown = zone.querySelector("[data-file-name]");
    var showName = function () {
      shown.textContent = input.files.length ? "已选择：" + input.files[0].name : "还没有选择文件";
    };
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (event) {
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        showName();
        form.submit();
      }
    });
    input.addEventListener("change", showName);
  }

  var box = document.querySelector("[data-poll]");
  if (box) {
    var url = box.getAttribute("data-poll");
    var stage = box.querySelector("[data-stage]");
    var elapsed = box.querySelector("[data-elapsed]");
    var bar = box.querySelector("[data-percent]");
    var tick = function () {
      fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (!response.ok) { window.location.reload(); return null; }  // signed out meanwhile: the page says so
          return response.json();
        })
        .then(function (status) {
          if (status === null) { return; }
          if (status.finished) { window.location.reload(); return; }
          stage.textContent = status.stage;
          elapsed.textContent = status.elapsed;
          bar.value = status.percent;
          window.setTimeout(tick, 1000);
        })
        .catch(function () { window.setTimeout(tick, 3000); });
    };
    window.setTimeout(tick, 1000);
  }
})();
