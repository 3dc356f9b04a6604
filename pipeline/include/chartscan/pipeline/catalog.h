// The viewer's Catalog over the store: reading and writing go to indexer::Store; page images for
// display are rendered by cleanup (thumbnails, evidence crops) and capture (originals decoded from
// the stored file); corrected values are normalized by extract's rules before they are stored.
//
// Thread safety: as the Store, every method from many threads. The catalog keeps a small cache of
// rendered thumbnails and originals (bounded by `image_cache_bytes`).
#pragma once

#include <cstddef>
#include <memory>

#include <chartscan/extract/codes.h>
#include <chartscan/indexer/store.h>
#include <chartscan/models/image.h>
#include <chartscan/viewer/catalog.h>

namespace chartscan::pipeline {

// Width of the thumbnails ingest stores with each page and the catalog makes for older pages.
inline constexpr int kThumbnailWidth = 200;

// The thumbnail of a cleaned page as ingest stores it: a JPEG kThumbnailWidth pixels wide.
Result<std::string> MakeThumbnail(const ImageView& cleaned);

struct CatalogOptions {
  int thumb_width = kThumbnailWidth;  // pixels
  double original_dpi = 150;          // PDF originals are rendered at this resolution for display
  int original_max_width = 2550;      // larger originals are scaled down (8.5 in at 300 dpi)
  int crop_margin = 24;               // pixels of context around an evidence box
  std::size_t image_cache_bytes = 64u << 20;

  Status Validate() const;
};

// The store (and the code list, when the store has an imported one; null: the built-in list) must
// outlive the catalog. kInvalidArgument for invalid options.
Result<std::unique_ptr<viewer::Catalog>> NewStoreCatalog(indexer::Store* store,
                                                         const extract::CodeSet* codes,
                                                         const CatalogOptions& options = {});

}  // namespace chartscan::pipeline
