#include "api/ops/op_specs.h"

namespace pd {
namespace api {

const std::vector<const OperationSpec*>& AllOperationSpecs() {
  static const std::vector<const OperationSpec*>* const kAll =
      new std::vector<const OperationSpec*>{&CreateTableSpec(),
                                            &DescribeTableSpec(),
                                            &ListTablesSpec(),
                                            &DeleteTableSpec(),
                                            &UpdateTableSpec(),
                                            &PutItemSpec(),
                                            &GetItemSpec(),
                                            &UpdateItemSpec(),
                                            &DeleteItemSpec(),
                                            &QuerySpec(),
                                            &ScanSpec(),
                                            &BatchGetItemSpec(),
                                            &BatchWriteItemSpec(),
                                            &TransactWriteItemsSpec(),
                                            &TransactGetItemsSpec(),
                                            &CreateBackupSpec(),
                                            &DescribeBackupSpec(),
                                            &ListBackupsSpec(),
                                            &DeleteBackupSpec(),
                                            &RestoreTableFromBackupSpec(),
                                            &UpdateTimeToLiveSpec(),
                                            &DescribeTimeToLiveSpec(),
                                            &ListStreamsSpec(),
                                            &DescribeStreamSpec(),
                                            &GetShardIteratorSpec(),
                                            &GetRecordsSpec(),
                                            &ExecuteStatementSpec(),
                                            &BatchExecuteStatementSpec(),
                                            &ExecuteTransactionSpec(),
                                            &TagResourceSpec(),
                                            &UntagResourceSpec(),
                                            &ListTagsOfResourceSpec(),
                                            &DescribeContinuousBackupsSpec(),
                                            &UpdateContinuousBackupsSpec(),
                                            &DescribeLimitsSpec(),
                                            &DescribeEndpointsSpec()};
  return *kAll;
}

const OperationSpec* FindOperationSpec(std::string_view name) {
  for (const OperationSpec* spec : AllOperationSpecs()) {
    if (spec->name == name) return spec;
  }
  return nullptr;
}

}  // namespace api
}  // namespace pd
