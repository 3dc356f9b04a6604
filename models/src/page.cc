#include <chartscan/models/page.h>

namespace chartscan {

void FinalizePageText(PageText& page) {
  page.text.clear();
  double sum = 0;
  int previous_line = -1;
  for (const Word& w : page.words) {
    if (previous_line >= 0) page.text += (w.line != previous_line) ? '\n' : ' ';
    page.text += w.text;
    previous_line = w.line;
    sum += w.confidence;
  }
  page.mean_confidence = page.words.empty() ? 0 : sum / static_cast<double>(page.words.size());
}

}  // namespace chartscan
