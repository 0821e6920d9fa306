// The customer's signature on the counter's screen: pointer events (finger, stylus, mouse)
// draw on a canvas; after each stroke the drawing goes into a hidden field as a PNG data
// URL. The server checks it again (repairs/workbench/signatures.py). Without this script
// the pad stays hidden and the customer signs the printed act.
(function () {
  "use strict";

  var HEIGHT = 180;
  var pads = document.querySelectorAll("[data-signature-pad]");
  Array.prototype.forEach.call(pads, setUp);

  function setUp(pad) {
    var section = pad.closest("[data-signature-section]");
    var canvas = pad.querySelector("[data-signature-canvas]");
    var value = pad.querySelector("[data-signature-value]");
    var clear = pad.querySelector("[data-signature-clear]");
    var status = pad.querySelector("[data-signature-status]");
    var paper = section && section.querySelector("[data-signature-paper]");
    var byPost = section && section.querySelector("input[name=received_by_post]");
    if (!canvas || !value || !clear || !canvas.getContext) return;

    pad.hidden = false;
    // The pad's own help says what to do when signing here fails: no paper line beside it.
    if (paper) paper.hidden = true;
    var context = null;
    var drawing = false;
    var last = null;
    var signed = false;

    function size() {
      // Plain CSS pixels, no device-pixel scaling: a signature needs no more detail, and
      // the PNG stays small.
      var width = Math.max(100, Math.min(1000, Math.round(canvas.clientWidth)));
      if (canvas.width === width && canvas.height === HEIGHT) return;
      canvas.width = width;
      canvas.height = HEIGHT;
      context = canvas.getContext("2d");
      context.lineWidth = 2.5;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#111";
      if (signed) restore(value.value);
    }

    function restore(dataUrl) {
      if (!dataUrl) return;
      var image = new Image();
      image.onload = function () { context.drawImage(image, 0, 0); };
      image.src = dataUrl;
      markSigned(true);
    }

    function markSigned(isSigned) {
      signed = isSigned;
      status.textContent = canvas.getAttribute(isSigned ? "data-signed-label" : "data-empty-label");
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height)
      };
    }

    function line(from, to) {
      context.beginPath();
      context.moveTo(from.x, from.y);
      context.lineTo(to.x, to.y);
      context.stroke();
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (event.button !== 0 && event.pointerType === "mouse") return;
      event.preventDefault();
      try {
        canvas.setPointerCapture(event.pointerId); // keep the stroke when a finger slips out
      } catch (ignored) { /* a pointer the browser no longer tracks: draw without capture */ }
      drawing = true;
      last = point(event);
      line(last, { x: last.x + 0.1, y: last.y + 0.1 }); // a dot is part of a signature too
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      event.preventDefault();
      var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
      if (!events.length) events = [event];
      events.forEach(function (each) {
        var next = point(each);
        line(last, next);
        last = next;
      });
    });
    function finish(event) {
      if (!drawing) return;
      drawing = false;
      if (canvas.hasPointerCapture(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
      value.value = canvas.toDataURL("image/png");
      markSigned(true);
    }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);

    clear.addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      value.value = "";
      markSigned(false);
    });

    // A posted product is not signed for: the pad steps aside while the box is ticked.
    if (byPost) {
      var follow = function () {
        pad.hidden = byPost.checked;
        if (!byPost.checked && !signed) size(); // it had no width while hidden
      };
      byPost.addEventListener("change", follow);
      follow();
    }

    size();
    if (value.value) restore(value.value);
    window.addEventListener("resize", function () {
      if (!signed) size();
    });
  }
})();
