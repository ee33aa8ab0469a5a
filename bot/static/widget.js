/* claimcheck widget: <script src="https://HOST/widget.js" data-title="Fact check" data-position="right"></script>
   Adds a launcher button and a chat panel (an iframe of HOST/widget) to any page. */
(function () {
  var script = document.currentScript;
  if (!script) { return; }
  var host = new URL(script.src).origin;
  var title = script.getAttribute("data-title") || "Check a claim";
  var side = script.getAttribute("data-position") === "left" ? "left" : "right";
  var button = document.createElement("button");
  button.id = "claimcheck-launcher";
  button.type = "button";
  button.textContent = title;
  button.setAttribute("aria-expanded", "false");
  button.style.cssText = "position:fixed;bottom:20px;" + side + ":20px;z-index:2147483646;padding:10px 16px;" +
    "border-radius:20px;border:0;background:#0969da;color:#fff;font:600 14px sans-serif;cursor:pointer;" +
    "box-shadow:0 2px 8px rgba(0,0,0,.25)";
  var frame = null;
  /* Beside the launcher on a wide page; on a phone-sized one, the full width less an even margin on each side. */
  function place() {
    var width = document.documentElement.clientWidth, narrow = width < 440;  /* the width less any scrollbar */
    frame.style.width = narrow ? width - 16 + "px" : "380px";
    frame.style.left = narrow ? "8px" : side === "left" ? "20px" : "auto";
    frame.style.right = narrow ? "auto" : side === "right" ? "20px" : "auto";
  }
  button.addEventListener("click", function () {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.id = "claimcheck-frame";
      frame.title = title;
      frame.src = host + "/widget";
      frame.style.cssText = "position:fixed;bottom:70px;height:560px;max-height:calc(100vh - 90px);" +
        "border:1px solid #d0d7de;border-radius:10px;background:#fff;z-index:2147483647;box-sizing:border-box;" +
        "box-shadow:0 4px 16px rgba(0,0,0,.25)";
      place();
      window.addEventListener("resize", place);
      document.body.appendChild(frame);
    } else {
      frame.style.display = frame.style.display === "none" ? "block" : "none";
    }
    button.setAttribute("aria-expanded", frame.style.display === "none" ? "false" : "true");
  });
  document.body.appendChild(button);
})();
